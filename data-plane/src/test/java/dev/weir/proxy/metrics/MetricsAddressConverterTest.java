package dev.weir.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine.TypeConversionException;

class MetricsAddressConverterTest {

  private final MetricsAddressConverter converter = new MetricsAddressConverter();

  @ParameterizedTest(name = "{0} is {1} port {2}")
  @CsvSource({
    "0.0.0.0:9100, 0.0.0.0, 9100",
    "127.0.0.1:1, 127.0.0.1, 1",
    "localhost:65535, 127.0.0.1, 65535",
    "[::1]:9100, 0:0:0:0:0:0:0:1, 9100"
  })
  void readsHostAndPort(String text, String ip, int port) {
    InetSocketAddress address = converter.convert(text);

    assertThat(address.getAddress().getHostAddress()).isEqualTo(ip);
    assertThat(address.getPort()).isEqualTo(port);
  }

  @ParameterizedTest(name = "rejects [{0}]: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "9100 | is not HOST:PORT",
        ":9100 | is not HOST:PORT",
        "0.0.0.0: | is not HOST:PORT",
        "'' | is not HOST:PORT",
        "0.0.0.0:0 | port must be 1..65535",
        "0.0.0.0:65536 | port must be 1..65535",
        "0.0.0.0:http | port must be 1..65535",
        "::1:9100 | an IPv6 address must be in brackets",
        "[]:9100 | [] is not a valid IPv6 address",
        "no-such-host.invalid:9100 | unknown host 'no-such-host.invalid'"
      })
  void rejectsWhatIsNotAnAddressToListenOn(String text, String why) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining(why);
  }
}
