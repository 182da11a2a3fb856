package dev.weir.cli.args;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

  @Test
  void aNameAndPortSplitAtTheColon() {
    assertThat(HostPort.parse("cp.internal:9900"))
        .isEqualTo(new HostPort("cp.internal", 9900, "cp.internal:9900"));
  }

  @Test
  void anIpv6HostLosesItsBracketsButTheTextKeepsThem() {
    HostPort address = HostPort.parse("[::1]:6379");

    assertThat(address.host()).isEqualTo("::1");
    assertThat(address.port()).isEqualTo(6379);
    assertThat(address).hasToString("[::1]:6379");
  }

  @Test
  void aListenAddressMayLeaveOutTheHost() {
    assertThat(HostPort.parseListen(":8080").host()).isEmpty();
  }

  @Test
  void aListenPortWithoutItsColonSaysSoAndHowToWriteIt() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parseListen("8085"))
        .withMessage(
            "'8085' is not [HOST]:PORT: it has no colon; give HOST:PORT or :PORT, "
                + "e.g. :8085 for every address");
  }

  @Test
  void aPortWithoutHostOrColonAsksForTheHost() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parse("9900"))
        .withMessage(
            "'9900' is not HOST:PORT: it has no colon; give the host too, "
                + "e.g. 127.0.0.1:9900");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "10.0.0.5       | missing \":port\"",
        "10.0.0.5:      | port must be 1..65535",
        ":80            | missing host",
        "10.0.0.5:http  | port must be 1..65535",
        "10.0.0.5:0     | port must be 1..65535",
        "10.0.0.5:65536 | port must be 1..65535",
        "::1:80         | in brackets",
        "[::1]80        | missing \":port\" after \"]\""
      })
  void malformedAddressesAreRejectedWithTheReason(String text, String reason) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HostPort.parse(text))
        .withMessageStartingWith("'" + text + "' is not HOST:PORT: ")
        .withMessageContaining(reason);
  }
}
