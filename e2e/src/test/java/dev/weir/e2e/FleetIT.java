package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.Greeted;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weir-control, two weir-proxy processes sharing one port on 127.0.0.2 and 127.0.0.3, and three
 * echo backends, all real processes driven through weirctl.
 */
class FleetIT {

  private static final String PROXY_A = "127.0.0.2";
  private static final String PROXY_B = "127.0.0.3";

  @TempDir Path dir;
  private Fleet fleet;
  private List<Backend> backends;
  private int poolPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy-a", PROXY_A);
    fleet.startProxy("proxy-b", PROXY_B);
    backends =
        List.of(fleet.startBackend("b1"), fleet.startBackend("b2"), fleet.startBackend("b3"));
    poolPort = Fleet.freePortOn(PROXY_A, PROXY_B);

    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--algorithm",
            "weighted-round-robin")
        .assertOk();
    int weight = 1;
    for (Backend b : backends) {
      fleet
          .weirctl("backend", "add", "web", b.address(), "--weight", String.valueOf(weight++))
          .assertOk();
    }
    fleet.awaitAllAcked("proxy-a", "proxy-b");
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void connectionsThroughEitherProxySpreadOverBackendsByWeight() throws Exception {
    for (String proxy : List.of(PROXY_A, PROXY_B)) {
      Map<String, Integer> counts = new HashMap<>();
      // Weights 1, 2, 3: ten whole cycles of six.
      for (int i = 0; i < 60; i++) {
        counts.merge(backendOf(proxy, poolPort), 1, Integer::sum);
      }
      assertThat(counts)
          .as("through %s", proxy)
          .containsExactlyInAnyOrderEntriesOf(Map.of("b1", 10, "b2", 20, "b3", 30));
    }
  }

  @Test
  void drainedBackendKeepsItsOpenConnectionWhileNewOnesAvoidItOnBothProxies() throws Exception {
    try (Greeted open = Fleet.connect(PROXY_A, poolPort)) {
      Backend drained =
          backends.stream().filter(b -> b.name().equals(open.backend())).findFirst().orElseThrow();

      fleet.weirctl("backend", "drain", "web", drained.address()).assertOk();
      fleet.awaitAllAcked("proxy-a", "proxy-b");

      assertThat(open.echo("still here")).isEqualTo("still here");
      for (String proxy : List.of(PROXY_A, PROXY_B)) {
        for (int i = 0; i < 30; i++) {
          assertThat(backendOf(proxy, poolPort))
              .as("new connection through %s", proxy)
              .isNotEqualTo(drained.name());
        }
      }
      // The fleet-wide view still counts the one connection the drained backend holds.
      await("the drained backend's open connection in the pool status")
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(activeConnections(drained.address())).isEqualTo(1));
      assertThat(open.echo("and still")).isEqualTo("and still");
    }
  }

  @Test
  void killedBackendCostsNewConnectionsNothing() throws Exception {
    Backend victim = backends.get(2);
    victim.program().kill9();

    for (String proxy : List.of(PROXY_A, PROXY_B)) {
      for (int i = 0; i < 30; i++) {
        assertThat(backendOf(proxy, poolPort))
            .as("connection %d through %s", i, proxy)
            .isIn("b1", "b2");
      }
    }
  }

  @Test
  void restartedControlPlaneKeepsItsPoolsAndProxiesReconnectAndAck() throws Exception {
    long before = fleet.awaitAllAcked("proxy-a", "proxy-b");
    int port = fleet.controlPort();
    fleet.control().kill9();

    // Without the control plane the proxies keep serving the last config.
    assertThat(backendOf(PROXY_A, poolPort)).isIn("b1", "b2", "b3");
    assertThat(backendOf(PROXY_B, poolPort)).isIn("b1", "b2", "b3");

    fleet.startControl(port);
    List<Pool> pools =
        fleet.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList();
    assertThat(pools).extracting(Pool::getName).containsExactly("web");
    assertThat(pools.get(0).getBackendsList()).hasSize(3);
    assertThat(fleet.awaitAllAcked("proxy-a", "proxy-b")).isEqualTo(before);

    String listed = fleet.weirctl("pool", "list").assertOk().stdout();
    assertThat(listed).contains("web").contains(":" + poolPort);
  }

  @Test
  void aPortAProxyCannotBindIsNackedWithTheReasonWhileTheOldConfigKeepsServing() throws Exception {
    int taken = Fleet.freePortOn(PROXY_A, PROXY_B);
    try (java.net.ServerSocket squatter =
        new java.net.ServerSocket(taken, 1, java.net.InetAddress.getByName(PROXY_A))) {
      fleet
          .weirctl(
              "pool",
              "create",
              "blocked",
              "--listen",
              ":" + taken,
              "--backend",
              backends.get(0).address())
          .assertOk();

      await("proxy-a to NACK the pool it cannot bind")
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                String proxies = fleet.weirctl("-o", "json", "proxies").assertOk().stdout();
                assertThat(proxies).contains("cannot listen on").contains(String.valueOf(taken));
              });
      // proxy-b could bind it and ACKed; proxy-a still serves the pool it had.
      assertThat(backendOf(PROXY_A, poolPort)).isIn("b1", "b2", "b3");
      assertThat(backendOf(PROXY_B, taken)).isEqualTo("b1");
    }
  }

  @Test
  void settingsChangedWithPoolSetReachTheProxies() throws Exception {
    fleet.weirctl("pool", "set", "web", "--max-connections", "1").assertOk();
    fleet.awaitAllAcked("proxy-a", "proxy-b");

    try (Greeted first = Fleet.connect(PROXY_A, poolPort)) {
      assertThat(first.echo("one")).isEqualTo("one");
      assertThatThrownBy(() -> Fleet.connect(PROXY_A, poolPort))
          .as("a second connection is over the limit")
          .isInstanceOf(java.io.IOException.class);
    }
    await("the slot to free up")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> backendOf(PROXY_A, poolPort) != null);
  }

  private long activeConnections(String address) {
    return fleet
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackendsList()
        .stream()
        .filter(b -> b.getAddress().equals(address))
        .mapToLong(BackendStatus::getActiveConnections)
        .sum();
  }
}
