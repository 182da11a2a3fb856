package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.CliResult;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool whose port another program holds: the proxy applies every other pool, reports that one
 * (weirctl proxies, pool create --wait), and binds it by itself once the port is free. With
 * SO_REUSEPORT the port is refused too, rather than shared with the other program.
 */
class PoolApplyIT {

  private static final String PROXY = "127.0.0.9";

  @TempDir Path dir;
  private Fleet fleet;
  private Backend backend;
  private int webPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("edge", PROXY);
    backend = fleet.startBackend("b1");
    webPort = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + webPort,
            "--backend",
            backend.address(),
            "--wait")
        .assertOk();
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @ParameterizedTest(name = "port held with SO_REUSEPORT: {0}")
  @ValueSource(booleans = {false, true})
  void aPortHeldByAnotherProgramFailsOnlyThatPoolUntilTheProxyBindsItByItself(boolean reusePort)
      throws Exception {
    int busyPort = Fleet.freePortOn(PROXY);
    try (Closeable other = listen(busyPort, reusePort)) {
      long started = System.nanoTime();
      CliResult create =
          fleet.weirctl(
              "pool",
              "create",
              "busy",
              "--listen",
              ":" + busyPort,
              "--backend",
              backend.address(),
              "--wait",
              "--wait-timeout",
              "50s");

      assertThat(create.exitCode()).as("stderr: %s", create.stderr()).isEqualTo(4);
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("said at once, not at the end of --wait-timeout")
          .isLessThan(Duration.ofSeconds(20));
      assertThat(create.stderr())
          .contains(
              "applied on 0 of 1 proxies",
              "pool busy failed on proxy edge: cannot listen on " + PROXY + ":" + busyPort);
      if (reusePort) {
        assertThat(create.stderr()).contains("another program already listens on this port");
      }
      String proxies = fleet.weirctl("proxies").assertOk().stdout();
      assertThat(proxies).contains("FAILED POOLS", "pool busy failed on proxy edge");

      // The other pools, and later versions, still apply and serve.
      assertThat(backendOf(PROXY, webPort)).isEqualTo("b1");
      int apiPort = Fleet.freePortOn(PROXY);
      fleet
          .weirctl(
              "pool", "create", "api", "--listen", ":" + apiPort, "--backend", backend.address())
          .assertOk();
      fleet.awaitAllAcked("edge");
      assertThat(backendOf(PROXY, apiPort)).isEqualTo("b1");
    }

    await("the proxy to bind the freed port by itself")
        .atMost(Duration.ofSeconds(40))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> "b1".equals(backendOf(PROXY, busyPort)));
    await("the control plane to hear of it")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !fleet.weirctl("proxies").assertOk().stdout().contains("FAILED POOLS"));
    for (int i = 0; i < 20; i++) {
      assertThat(backendOf(PROXY, busyPort)).isEqualTo("b1");
    }
  }

  /** Another program's listener on the proxy's address, as the test JVM holds it. */
  private static Closeable listen(int port, boolean reusePort) throws IOException {
    ServerSocketChannel other = ServerSocketChannel.open();
    try {
      if (reusePort) {
        other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      }
      other.bind(new InetSocketAddress(InetAddress.getByName(PROXY), port));
      return other;
    } catch (IOException | RuntimeException e) {
      other.close();
      throw e;
    }
  }
}
