package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
    "--bind-address, not-an-ip, --bind-address must be an IP address",
    "--id, bad id!, --id must be 1..128 of [A-Za-z0-9._-]",
    "--event-loops, 0, --event-loops must be at least 1",
    "--max-connections, 0, --max-connections must be at least 1",
    "--max-connections, many, many",
    "--stats-interval, soon, is not a positive duration",
  })
  void badFlagIsAUsageErrorNamingIt(String flag, String value, String message) {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new WeirProxy()).setErr(new PrintWriter(err));
    String[] args = flag.equals("--id")
        ? new String[] {flag, value}
        : new String[] {"--id", "test", flag, value};

    int exit = cli.execute(args);

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
