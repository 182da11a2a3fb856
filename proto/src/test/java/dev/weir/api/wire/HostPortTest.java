package dev.weir.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @ParameterizedTest(name = "\"{0}\" reads as \"{1}\"")
  @CsvSource({
    "10.0.0.1:80, 10.0.0.1:80",
    "0.0.0.0:8080, 0.0.0.0:8080",
    "Backend-1.Example.COM:443, backend-1.example.com:443",
    "localhost:6379, localhost:6379",
    "[::1]:6379, [::1]:6379",
    "[0:0:0:0:0:0:0:1]:6379, [::1]:6379",
    "[2001:DB8:0:0:1:0:0:1]:80, [2001:db8::1:0:0:1]:80",
    "[2001:db8:0:0:0:0:0:0]:80, [2001:db8::]:80",
    "[1:0:1:0:1:0:1:0]:80, [1:0:1:0:1:0:1:0]:80",
    "[::]:9900, [::]:9900",
    "':8080', ':8080'",
    "db:080, db:80",
  })
  void validAddressesAreReadInNormalForm(String text, String normal) {
    assertThat(HostPort.parse(text).toString()).isEqualTo(normal);
  }

  @ParameterizedTest(name = "\"{0}\" is refused: {1}")
  @CsvSource({
    "10.0.0.1, missing \":port\"",
    "::1:80, must be in brackets",
    "[::1, missing \"]\"",
    "[::1]80, missing \":port\" after",
    "[::g]:80, not a valid IPv6 address",
    "[fe80::1%eth0]:80, not a valid IPv6 address",
    "[::ffff:10.0.0.1]:80, write IPv4-mapped addresses in IPv4 form",
    "256.0.0.1:80, not a valid IPv4 address",
    "10.0.0.01:80, not a valid IPv4 address",
    "1.2.3:80, not a valid IPv4 address",
    "-db:80, not an IPv4 address or DNS name",
    "db_1:80, not an IPv4 address or DNS name",
    "db..example:80, not an IPv4 address or DNS name",
    "db.example.:80, not an IPv4 address or DNS name",
    "db.123:80, ends in a numeric label",
    "db:65536, port must be 1..65535",
    "db:-1, port must be 1..65535",
    "db:http, port must be 1..65535",
    "db:, port must be 1..65535",
  })
  void malformedAddressesAreRefusedSayingWhy(String text, String reason) {
    assertThatThrownBy(() -> HostPort.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aHostNameLongerThan253CharactersIsRefused() {
    String host = ("a".repeat(60) + ".").repeat(5) + "com";

    assertThatThrownBy(() -> HostPort.parse(host + ":80")).hasMessageContaining("longer than 253");
  }

  @Test
  void anAddressToConnectToNeedsAHostAndAPortAboveZero() {
    assertThat(HostPort.parseWithHost("DB:5432")).isEqualTo(new HostPort("db", 5432));
    assertThatThrownBy(() -> HostPort.parseWithHost(":5432"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("missing host");
    assertThatThrownBy(() -> HostPort.parseWithHost("db:0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("port must be 1..65535, got \"0\"");
  }
}
