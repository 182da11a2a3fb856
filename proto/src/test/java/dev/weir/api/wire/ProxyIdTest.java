package dev.weir.api.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyIdTest {

  @ParameterizedTest
  @ValueSource(strings = {"edge-1", "edge_1.eu", "A", "0.9-Z_z"})
  void lettersDigitsDotsDashesAndUnderscoresUpTo128AreAnId(String id) {
    assertThat(ProxyId.isValid(id)).isTrue();
    assertThat(ProxyId.problem("--id", id)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "edge 1", "edge/1", "bad id!", "ü"})
  void anythingElseIsRefusedNamingTheFieldAndTheRule(String id) {
    assertThat(ProxyId.isValid(id)).isFalse();
    assertThat(ProxyId.problem("proxy_id", id))
        .contains("proxy_id \"" + id + "\" is invalid: use 1..128 of [A-Za-z0-9._-]");
  }

  @Test
  void anIdMayBe128LongButNoLonger() {
    assertThat(ProxyId.isValid("x".repeat(128))).isTrue();
    assertThat(ProxyId.isValid("x".repeat(129))).isFalse();
    assertThat(ProxyId.isValid(null)).isFalse();
  }
}
