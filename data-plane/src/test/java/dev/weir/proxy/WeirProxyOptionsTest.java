package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad flags stop weir-proxy before it starts anything, with a line naming the flag. */
class WeirProxyOptionsTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--control-plane, nohostport, --control-plane must be HOST:PORT",
    "--control-plane, host:99999, --control-plane must be HOST:PORT",
    "--control-plane, ::1:9900, --control-plane must be HOST:PORT",
    "--control-plane, '127.0.0.1:9900,', --control-plane must be HOST:PORT[,HOST:PORT...]: '' is not",
    "--tls-cert, cert.pem, --tls-cert and --tls-key go together",
    "--tls-ca, /no/such/ca.pem, --tls-ca /no/such/ca.pem: no such readable file",
    "--bind-address, not-an-ip, --bind-address must be an IP address",
    "--id, bad id!, '--id \"bad id!\" is invalid: use 1..128 of [A-Za-z0-9._-]'",
    "--event-loops, 0, --event-loops must be at least 1",
    "--max-connections, 0, --max-connections must be at least 1",
    "--max-connections, many, many",
    "--stats-interval, soon, is not a positive duration",
    "--transport, kqueue, '--transport must be one of auto, epoll, io_uring, nio'",
  })
  void badFlagIsAUsageErrorNamingIt(String flag, String value, String message) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new WeirProxy()).setErr(new PrintWriter(err));
    String[] args =
        flag.equals("--id")
            ? new String[] {flag, value}
            : new String[] {"--id", "test", flag, value};

    int exit = cli.execute(args);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  @Test
  void theHelpNeverBreaksAnAddressOrUrlAcrossLines() {
    List<String> lines = new CommandLine(new WeirProxy()).getUsageMessage().lines().toList();

    // It wraps at ':' and '/' too, printing "http://HOST:" and "PORT/metrics" on two lines.
    for (int i = 0; i + 1 < lines.size(); i++) {
      String last = lines.get(i).strip().replaceAll(".* ", "");
      String next = lines.get(i + 1).strip();
      boolean broken =
          last.matches(".*https?:.*") && last.endsWith(":")
              || last.matches(".*[0-9/].*[:./]") && next.matches("[0-9/].*")
              || last.matches("[A-Z]+:") && next.startsWith("PORT");
      assertThat(broken).as("%s%n%s", lines.get(i), lines.get(i + 1)).isFalse();
    }
  }

  @Test
  void aTokenIsOnlyTakenWithTls(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "proxy-secret-1\n");
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new WeirProxy()).setErr(new PrintWriter(err));

    int exit = cli.execute("--id", "test", "--token-file", token.toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains(
            "a token (--token-file or $WEIR_PROXY_TOKEN) is only sent " + "over TLS: add --tls-ca")
        .doesNotContain("proxy-secret-1");
  }

  @Test
  void aMalformedTokenInTheEnvironmentIsNamedButNotShown() {
    StringWriter err = new StringWriter();
    WeirProxy proxy = new WeirProxy(name -> name.equals("WEIR_PROXY_TOKEN") ? "two words" : null);
    CommandLine cli = new CommandLine(proxy).setErr(new PrintWriter(err));

    int exit = cli.execute("--id", "test");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("$WEIR_PROXY_TOKEN must hold one token of printable ASCII")
        .doesNotContain("two words");
  }
}
