package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.Greeted;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet-wide drain followed with {@code weirctl backend drain --wait}: weir-control, two
 * weir-proxy processes sharing one port on 127.0.0.2 and 127.0.0.3, two echo backends.
 */
class DrainWaitIT {

  private static final String PROXY_A = "127.0.0.2";
  private static final String PROXY_B = "127.0.0.3";
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private Fleet fleet;
  private Backend drained;
  private int poolPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy-a", PROXY_A);
    fleet.startProxy("proxy-b", PROXY_B);
    drained = fleet.startBackend("b1");
    Backend other = fleet.startBackend("b2");
    poolPort = Fleet.freePortOn(PROXY_A, PROXY_B);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            drained.address(),
            "--backend",
            other.address())
        .assertOk();
    fleet.awaitAllAcked("proxy-a", "proxy-b");
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void drainWaitReturnsOnlyAfterBothProxiesReportNoConnectionLeft() throws Exception {
    try (Greeted throughA = connectTo(PROXY_A, drained.name());
        Greeted throughB = connectTo(PROXY_B, drained.name())) {
      await("both connections in the pool status")
          .atMost(STATUS_TIMEOUT)
          .until(() -> status().getActiveConnections() == 2);

      RunningProgram drain =
          fleet.startWeirctl(
              "weirctl-drain", "backend", "drain", "web", drained.address(), "--wait");

      awaitRemaining(2);
      drain.awaitLine(Pattern.compile("\\b2 connections\\b"), STATUS_TIMEOUT);
      assertThat(drain.isAlive()).as("drain --wait while two connections remain").isTrue();
      assertThat(throughA.echo("still served")).isEqualTo("still served");

      throughA.close();
      awaitRemaining(1);
      drain.awaitLine(Pattern.compile("\\b1 connection\\b"), STATUS_TIMEOUT);
      assertThat(drain.isAlive()).as("drain --wait while one connection remains").isTrue();
      assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.DRAINING);

      throughB.close();
      assertThat(drain.awaitExit(Duration.ofSeconds(30)))
          .as("exit code; output: %s", drain.output())
          .isZero();
      assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.DRAINED);
      assertThat(status().getDrain().getRemainingConnections()).isZero();
      assertThat(drain.output()).anyMatch(line -> line.contains("drained"));
    }
  }

  /** A connection through {@code proxy} that reached {@code backend}; others are closed. */
  private Greeted connectTo(String proxy, String backend) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      Greeted connection = Fleet.connect(proxy, poolPort);
      if (connection.backend().equals(backend)) {
        return connection;
      }
      connection.close();
    }
    throw new AssertionError("no connection through " + proxy + " reached " + backend);
  }

  private void awaitRemaining(long remaining) {
    await("the drain's remaining connections to be " + remaining)
        .atMost(STATUS_TIMEOUT)
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () -> {
              DrainStatus drain = status().getDrain();
              assertThat(drain.getState()).isEqualTo(DrainStatus.State.DRAINING);
              assertThat(drain.getRemainingConnections()).isEqualTo(remaining);
            });
  }

  private BackendStatus status() {
    return fleet
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackendsList()
        .stream()
        .filter(b -> b.getAddress().equals(drained.address()))
        .findFirst()
        .orElseThrow();
  }
}
