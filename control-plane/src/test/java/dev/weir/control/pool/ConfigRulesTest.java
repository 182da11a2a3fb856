package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.BackendState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigRulesTest {

  @ParameterizedTest
  // The longest name is 63 characters.
  @ValueSource(
      strings = {
        "a",
        "web",
        "web-1",
        "0",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbb"
      })
  void poolNamesOfLowerCaseLettersDigitsAndInnerHyphensAreAccepted(String name) {
    assertThat(ConfigRules.poolName(name)).isEqualTo(name);
  }

  @Test
  void anInvalidPoolNameIsRefusedWithTheRule() {
    assertThatThrownBy(() -> ConfigRules.poolName("Web_1"))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage(
            "INVALID_ARGUMENT: pool name \"Web_1\" is invalid: use 1..63 of [a-z0-9-], "
                + "starting and ending with a letter or digit");
  }

  @ParameterizedTest
  // The long one is 64 characters.
  @ValueSource(
      strings = {
        "",
        "-web",
        "web-",
        "web.1",
        "wéb",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbb"
      })
  void poolNamesBreakingTheRuleAreRefused(String name) {
    assertThatThrownBy(() -> ConfigRules.poolName(name)).hasMessageContaining("pool name");
  }

  @Test
  void weightsOutsideOneToOneThousandAreRefusedNamingTheValue() {
    assertThat(ConfigRules.weight(1)).isEqualTo(1);
    assertThat(ConfigRules.weight(1000)).isEqualTo(1000);
    assertThatThrownBy(() -> ConfigRules.weight(0))
        .hasMessageContaining("backend weight must be 1..1000, got 0");
    assertThatThrownBy(() -> ConfigRules.weight(1001))
        .hasMessageContaining("backend weight must be 1..1000, got 1001");
    // uint32 on the wire: a huge weight arrives as a negative int.
    assertThatThrownBy(() -> ConfigRules.weight(-1)).hasMessageContaining("got 4294967295");
  }

  @Test
  void anUnsetAlgorithmMeansRoundRobinAndAnUnknownOneIsRefused() {
    assertThat(ConfigRules.algorithm(0)).isEqualTo(Algorithm.ROUND_ROBIN);
    assertThat(ConfigRules.algorithm(2)).isEqualTo(Algorithm.WEIGHTED_ROUND_ROBIN);
    assertThat(ConfigRules.algorithm(3)).isEqualTo(Algorithm.LEAST_CONNECTIONS);
    assertThat(ConfigRules.algorithm(4)).isEqualTo(Algorithm.P2C);
    assertThat(ConfigRules.algorithm(5)).isEqualTo(Algorithm.MAGLEV);
    assertThatThrownBy(() -> ConfigRules.algorithm(7))
        .hasMessageContaining(
            "algorithm must be ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, "
                + "LEAST_CONNECTIONS, P2C or MAGLEV, got 7");
  }

  @Test
  void anUnsetBackendStateMeansActive() {
    assertThat(ConfigRules.backendState(0)).isEqualTo(BackendState.ACTIVE);
    assertThatThrownBy(() -> ConfigRules.backendState(9))
        .hasMessageContaining("backend state must be ACTIVE or DRAINING, got 9");
  }

  @Test
  void aListenAddressNeedsAPortButNotAHost() {
    assertThat(ConfigRules.listen(":8080").toString()).isEqualTo(":8080");
    assertThatThrownBy(() -> ConfigRules.listen(":0"))
        .hasMessageContaining("listen \":0\" is invalid: port must be 1..65535, got \"0\"");
    assertThatThrownBy(() -> ConfigRules.listen("8080"))
        .hasMessageContaining(
            "listen \"8080\" is invalid: no \":\" before the port; use "
                + "[host]:port, e.g. \":8080\" for every address");
    assertThatThrownBy(() -> ConfigRules.listen("web"))
        .hasMessageContaining("listen \"web\" is invalid: missing \":port\"");
  }

  @Test
  void aBackendAddressNeedsAHostAndANonZeroPort() {
    assertThat(ConfigRules.backendAddress("DB.local:5432")).isEqualTo("db.local:5432");
    assertThatThrownBy(() -> ConfigRules.backendAddress(":5432"))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT))
        .hasMessageContaining("backend address \":5432\" is invalid: missing host");
    assertThatThrownBy(() -> ConfigRules.backendAddress("db:0"))
        .hasMessageContaining("port must be 1..65535, got \"0\"");
  }
}
