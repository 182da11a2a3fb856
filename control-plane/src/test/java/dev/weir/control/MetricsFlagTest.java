package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weir-control --metrics}: off unless asked for, then /metrics on the address given. */
class MetricsFlagTest {
  @TempDir Path dataDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private ControlPlane plane;

  @AfterEach
  void stop() {
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void metricsAreOffByDefault() throws Exception {
    plane = start("--listen", "127.0.0.1:0", "--data-dir", dataDir.toString());

    assertThat(plane.metricsPort()).isEqualTo(-1);
  }

  @Test
  void metricsAreServedOnTheAddressGiven() throws Exception {
    plane =
        start(
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dataDir.toString(),
            "--metrics",
            "127.0.0.1:0");

    HttpResponse<String> scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + plane.metricsPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("weir_control_proxies_connected 0.0");
  }

  @Test
  void aMetricsAddressWithoutAPortIsAUsageError() {
    int code =
        WeirControl.execute(
            new String[] {"--data-dir", dataDir.toString(), "--metrics", "9465"},
            print(out),
            print(err));

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--metrics");
  }

  private ControlPlane start(String... args) throws Exception {
    WeirControl command = new WeirControl(print(out), print(err));
    WeirControl.commandLine(command).parseArgs(args);
    return command.start();
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
