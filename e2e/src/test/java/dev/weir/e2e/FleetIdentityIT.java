package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.CliResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane that lost or rolled back its store cannot take the fleet with it: the proxy
 * refuses its config and keeps serving until an operator adopts the fleet.
 */
class FleetIdentityIT {

  private static final String PROXY = "127.0.0.7";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern METRICS = Pattern.compile("serving metrics on http://\\S+:(\\d+)/");

  @TempDir Path dir;
  private Fleet fleet;
  private Backend b1;
  private Backend b2;
  private int poolPort;
  private int metricsPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    metricsPort = Fleet.freePortOn("127.0.0.1");
    RunningProgram proxy =
        fleet.launch(
            "edge",
            "weir-proxy",
            List.of(
                "--control-plane",
                "127.0.0.1:" + fleet.controlPort(),
                "--id",
                "edge",
                "--bind-address",
                PROXY,
                "--stats-interval",
                "200ms",
                "--event-loops",
                "1",
                "--state-dir",
                dir.resolve("proxy-state").toString(),
                "--metrics",
                "127.0.0.1:" + metricsPort));
    proxy.awaitLine(METRICS, START_TIMEOUT);
    b1 = fleet.startBackend("b1");
    b2 = fleet.startBackend("b2");
    poolPort = Fleet.freePortOn(PROXY);
    fleet
        .weirctl("pool", "create", "web", "--listen", ":" + poolPort, "--backend", b1.address())
        .assertOk();
    fleet.awaitAllAcked("edge");
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aControlPlaneRestartedWithAnEmptyDataDirIsRefusedUntilAdopted() throws Exception {
    try (Fleet.Greeted held = Fleet.connect(PROXY, poolPort)) {
      assertThat(held.echo("before")).isEqualTo("before");

      fleet.control().kill9();
      RunningProgram fresh = restartControl(dir.resolve("empty-data"));

      awaitRefusing("other fleet");
      assertThat(held.echo("still relayed")).isEqualTo("still relayed");
      for (int i = 0; i < 5; i++) {
        assertThat(backendOf(PROXY, poolPort)).isEqualTo("b1");
      }
      assertThat(metrics()).contains("weir_proxy_config_refused{reason=\"other_fleet\"} 1.0");
      assertThat(fleet.program("edge").output())
          .anyMatch(
              l ->
                  l.contains("refused config version 0 of fleet")
                      && l.contains("this proxy serves version 1 of fleet"));

      // The operator rebuilds the pool on the new control plane; still refused until adopted.
      fleet
          .weirctl("pool", "create", "web", "--listen", ":" + poolPort, "--backend", b2.address())
          .assertOk();
      // weirctl runs here as in a script (stdout is not a terminal): --wait still ends at the
      // proxy's refusal, not at its timeout.
      long start = System.nanoTime();
      CliResult waited =
          fleet.weirctl(
              "backend", "weight", "web", b2.address(), "2", "--wait", "--wait-timeout", "50s");
      assertThat(waited.exitCode()).as(waited.stderr()).isEqualTo(4);
      assertThat(waited.stderr())
          .startsWith(
              "error: config version 2 cannot be applied everywhere by 1 of 1 proxies: "
                  + "edge (rejected it: ");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("said at once")
          .isLessThan(Duration.ofSeconds(20));
      CliResult adopted = fleet.weirctl("fleet", "adopt").assertOk();

      assertThat(adopted.stdout()).startsWith("adopted fleet ").contains("(config version 3)");
      assertThat(fleet.awaitAllAcked("edge")).isEqualTo(3);
      await("new connections to reach the adopted config's backend")
          .atMost(Duration.ofSeconds(10))
          .ignoreExceptions()
          .until(() -> backendOf(PROXY, poolPort).equals("b2"));
      assertThat(metrics()).contains("weir_proxy_config_refused{reason=\"other_fleet\"} 0.0");
      assertThat(fleet.weirctl("history").assertOk().stdout()).contains("AdoptFleet");
      assertThat(fresh.isAlive()).isTrue();
    }
  }

  @Test
  void aDataDirWithHistoryButNoStateFileRefusesToStartNamingTheFile() throws Exception {
    fleet.control().kill9();
    Path data = dir.resolve("control-data");
    Files.delete(data.resolve("config.snapshot"));

    RunningProgram control =
        fleet.launch(
            "weir-control-2",
            "weir-control",
            List.of("--listen", "127.0.0.1:0", "--data-dir", data.toString()));

    assertThat(control.awaitExit(START_TIMEOUT)).isEqualTo(1);
    assertThat(String.join("\n", control.output()))
        .contains("cannot start")
        .contains(data.toRealPath().resolve("config.snapshot") + " is missing")
        .contains("history.log");
    assertThat(backendOf(PROXY, poolPort)).isEqualTo("b1");
  }

  @Test
  void anOlderBackupRestoredIsRefusedAsOlderUntilAdopted() throws Exception {
    Path data = dir.resolve("control-data");
    Path backup = dir.resolve("backup-at-v1");
    copyDir(data, backup);
    fleet.weirctl("backend", "add", "web", b2.address()).assertOk();
    fleet.weirctl("backend", "drain", "web", b1.address()).assertOk();
    assertThat(fleet.awaitAllAcked("edge")).isEqualTo(3);

    fleet.control().kill9();
    deleteDir(data);
    copyDir(backup, data);
    restartControl(data);

    awaitRefusing("older version");
    for (int i = 0; i < 5; i++) {
      assertThat(backendOf(PROXY, poolPort)).as("version 3 still in force").isEqualTo("b2");
    }
    assertThat(metrics()).contains("weir_proxy_config_refused{reason=\"older_version\"} 1.0");

    fleet.weirctl("fleet", "adopt").assertOk();

    assertThat(fleet.awaitAllAcked("edge")).isEqualTo(4);
    await("new connections to follow the restored config")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> backendOf(PROXY, poolPort).equals("b1"));
  }

  private RunningProgram restartControl(Path dataDir) {
    RunningProgram control =
        fleet.launch(
            "weir-control-restarted",
            "weir-control",
            List.of(
                "--listen", "127.0.0.1:" + fleet.controlPort(), "--data-dir", dataDir.toString()));
    control.awaitLine(Pattern.compile("(listening on)"), START_TIMEOUT);
    return control;
  }

  private void awaitRefusing(String why) {
    await("weirctl proxies to show the proxy refusing (" + why + ")")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(
            () -> fleet.weirctl("proxies").stdout().contains("connected, REFUSING (" + why + ")"));
  }

  private String metrics() throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void copyDir(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().endsWith(".snapshot")
            || file.getFileName().toString().endsWith(".log")) {
          Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static void deleteDir(Path path) throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(path);
  }
}
