package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control plane and the proxy log in one format, each line with its time. */
class LogFormatIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  // 2026-12-07T20:18:55.123Z INFO ProxySession - ..., or with an offset such as +01:00.
  private static final String LINE =
      "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO [A-Za-z]+ - ";

  @TempDir Path dir;

  @Test
  void theControlPlaneAndTheProxyLogTimestampedLinesInTheSameFormat() throws Exception {
    try (Fleet fleet = new Fleet(dir)) {
      RunningProgram control = fleet.startControl(0);
      RunningProgram proxy = fleet.startProxy("edge-log", "127.0.0.1");

      String applied =
          proxy.awaitLine(Pattern.compile("^(.*applied config version \\d+.*)$"), TIMEOUT);
      String connected =
          control.awaitLine(Pattern.compile("^(.*proxy edge-log connected from.*)$"), TIMEOUT);

      assertThat(applied).matches(LINE + "applied config version .*");
      assertThat(connected).matches(LINE + "proxy edge-log connected from .*");
    }
  }
}
