package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.e2e.Fleet.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy's life apart from config changes: it keeps serving without its control plane, even across
 * its own restart, and a SIGTERM lets open connections finish.
 */
class ProxyLifecycleIT {

  private static final String PROXY = "127.0.0.4";

  @TempDir Path dir;
  private Fleet fleet;
  private List<Backend> backends;
  private int poolPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("edge", PROXY);
    backends = List.of(fleet.startBackend("b1"), fleet.startBackend("b2"));
    poolPort = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            backends.get(0).address(),
            "--backend",
            backends.get(1).address())
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
  void proxyRestartedWhileTheControlPlaneIsDownServesItsSavedConfig() throws Exception {
    Path saved = fleet.proxyStateFile("edge");
    // Saved right after the apply, off the control stream's thread.
    await("the proxy to save its config")
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(saved));
    fleet.control().kill9();

    // Still routing with the control plane gone.
    for (int i = 0; i < 10; i++) {
      assertThat(backendOf(PROXY, poolPort)).isIn("b1", "b2");
    }

    fleet.program("edge").close();
    RunningProgram restarted = fleet.startProxy("edge", PROXY);
    restarted.awaitLine(
        Pattern.compile("serving saved config version (\\d+)"), Duration.ofSeconds(30));

    await("the restarted proxy to serve the pool without a control plane")
        .atMost(Duration.ofSeconds(20))
        .ignoreExceptions()
        .until(() -> backendOf(PROXY, poolPort) != null);
    for (int i = 0; i < 10; i++) {
      assertThat(backendOf(PROXY, poolPort)).isIn("b1", "b2");
    }
  }

  @Test
  void sigtermStopsNewConnectionsButLetsOpenOnesFinish() throws Exception {
    RunningProgram proxy = fleet.program("edge");
    try (Fleet.Greeted open = Fleet.connect(PROXY, poolPort)) {
      ProcessHandle.of(proxy.pid()).orElseThrow().destroy(); // SIGTERM
      proxy.awaitLine(Pattern.compile("(shutting down)"), Duration.ofSeconds(10));

      await("the listener to close")
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                try (java.net.Socket s = new java.net.Socket(PROXY, poolPort)) {
                  return false;
                } catch (java.net.ConnectException refused) {
                  return true;
                }
              });
      assertThat(open.echo("still relayed")).isEqualTo("still relayed");
      assertThat(proxy.isAlive()).as("waits for the open connection").isTrue();
    }
    await("the proxy to exit once its last connection closed")
        .atMost(Duration.ofSeconds(4))
        .until(() -> !proxy.isAlive());
  }

  @Test
  void corruptSavedConfigIsReportedAndIgnored() throws Exception {
    fleet.control().kill9();
    Path bad = fleet.proxyStateFile("broken");
    Files.createDirectories(bad.getParent());
    Files.write(bad, new byte[] {'n', 'o', 'p', 'e', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});

    RunningProgram proxy = fleet.startProxy("broken", "127.0.0.5");
    String line =
        proxy.awaitLine(Pattern.compile("(ignoring saved config: .*)"), Duration.ofSeconds(30));
    assertThat(line).contains(bad.toString()).contains("not a Weir snapshot file");
    assertThat(proxy.isAlive()).isTrue();
  }
}
