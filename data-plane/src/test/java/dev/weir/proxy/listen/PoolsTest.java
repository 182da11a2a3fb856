package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.api.v1.Algorithm.WEIGHTED_ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.backend;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.draining;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendState;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Switching the proxy's listeners and pools from one config to the next, over real sockets. */
@Timeout(60)
class PoolsTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void applyingAConfigBindsItsPoolAndRelaysToTheBackend(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();

    proxy.apply(config(5, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));

    assertThat(proxy.listeners().version()).isEqualTo(5);
    assertThat(proxy.listeners().boundAddresses().get("web").getPort()).isEqualTo(port);
    assertEchoes(port, "echo");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void drainedBackendKeepsOpenConnectionsButGetsNoNewOnes(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(a.address()))
                .addBackends(active(b.address()))));
    TestClient open = resources.add(TestClient.connect(port));
    String reached = open.readLine();
    EchoBackend drained = reached.equals("a") ? a : b;
    EchoBackend other = drained == a ? b : a;

    proxy.apply(drainOne(2, port, a, b, drained == a));

    open.send("still there?");
    assertThat(new String(open.readExactly(12), US_ASCII)).isEqualTo("still there?");
    for (int i = 0; i < 10; i++) {
      assertEchoes(port, other.name());
    }
    assertThat(drained.accepted()).isEqualTo(1);
    // The drained backend keeps its counters across the change: still one open connection.
    assertThat(proxy.stats("web", drained.address()).getActiveConnections()).isEqualTo(1);
    assertThat(proxy.stats("web", drained.address()).getTotalConnections()).isEqualTo(1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void removedBackendKeepsItsOpenConnectionsButGetsNoNewOnes(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(a.address()))
                .addBackends(active(b.address()))));
    TestClient open = resources.add(TestClient.connect(port));
    EchoBackend removed = open.readLine().equals("a") ? a : b;
    EchoBackend kept = removed == a ? b : a;

    // What 'weirctl backend remove --help' promises: removal closes nothing.
    proxy.apply(config(2, pool("web", port, ROUND_ROBIN).addBackends(active(kept.address()))));

    open.send("still there?");
    assertThat(new String(open.readExactly(12), US_ASCII)).isEqualTo("still there?");
    for (int i = 0; i < 4; i++) {
      assertEchoes(port, kept.name());
    }
    assertThat(removed.accepted()).isEqualTo(1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void weightsThreeToOneSplitFortyConnectionsExactlyThirtyToTen(Transport transport)
      throws Exception {
    EchoBackend heavy = resources.add(new EchoBackend("heavy"));
    EchoBackend light = resources.add(new EchoBackend("light"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, WEIGHTED_ROUND_ROBIN)
                .addBackends(backend(heavy.address(), 3, BackendState.ACTIVE))
                .addBackends(backend(light.address(), 1, BackendState.ACTIVE))));

    Map<String, Integer> reached = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      try (TestClient client = TestClient.connect(port)) {
        reached.merge(client.readLine(), 1, Integer::sum);
      }
    }

    assertThat(reached).containsExactlyInAnyOrderEntriesOf(Map.of("heavy", 30, "light", 10));
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void switchingConfigsWhileClientsConnectDropsNoConnection(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(drainOne(1, port, a, b, false));
    ExecutorService clients = Executors.newSingleThreadExecutor();
    resources.add(clients::shutdownNow);
    AtomicBoolean switching = new AtomicBoolean(true);
    Future<Integer> connected =
        clients.submit(
            () -> {
              int n = 0;
              while (switching.get() || n < 20) {
                assertEchoes(port, null);
                n++;
              }
              return n;
            });

    // Each version drains the backend the one before left active: one always takes new ones.
    for (long version = 2; version <= 60; version++) {
      proxy.apply(drainOne(version, port, a, b, version % 2 == 0));
    }
    switching.set(false);

    assertThat(connected.get(30, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(20);
    assertThat(proxy.listeners().version()).isEqualTo(60);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void removingAPoolClosesItsListenerAndItsConnections(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int webPort = FreePort.find();
    int apiPort = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", webPort, ROUND_ROBIN).addBackends(active(echo.address())),
            pool("api", apiPort, ROUND_ROBIN).addBackends(active(echo.address()))));
    TestClient open = resources.add(TestClient.connect(webPort));
    assertThat(open.readLine()).isEqualTo("echo");

    proxy.apply(config(2, pool("api", apiPort, ROUND_ROBIN).addBackends(active(echo.address()))));

    assertThat(proxy.listeners().boundAddresses()).containsOnlyKeys("api");
    assertThat(open.readToEnd()).as("the open connection was closed").isEmpty();
    awaitRefused(webPort);
    assertEchoes(apiPort, "echo");
    await().until(() -> echo.openConnections() == 0);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aPoolMovedToAnotherPortListensThereAndNoLongerOnTheOld(Transport transport)
      throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int oldPort = FreePort.find();
    int newPort = FreePort.find();
    proxy.apply(config(1, pool("web", oldPort, ROUND_ROBIN).addBackends(active(echo.address()))));
    assertEchoes(oldPort, "echo");

    proxy.apply(config(2, pool("web", newPort, ROUND_ROBIN).addBackends(active(echo.address()))));

    assertEchoes(newPort, "echo");
    awaitRefused(oldPort);
    assertThat(proxy.stats("web", echo.address()).getTotalConnections())
        .as("counters outlive the move")
        .isEqualTo(2);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aPoolWhoseBackendsAllDrainClosesNewConnections(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(draining(echo.address()))));

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readToEnd()).isEmpty();
    }
    assertThat(echo.accepted()).isZero();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void closingStopsEveryListenerAndRefusesLaterConfigs(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));
    TestClient open = resources.add(TestClient.connect(port));
    assertThat(open.readLine()).isEqualTo("echo");

    proxy.listeners().close();
    proxy.listeners().close();

    assertThat(open.readToEnd()).isEmpty();
    awaitRefused(port);
    assertThatThrownBy(
            () ->
                proxy.apply(
                    config(2, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address())))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("shutting down");
  }

  /** Pool "web" on {@code port} with one of a and b draining and the other active. */
  private static ProxyConfig drainOne(
      long version, int port, EchoBackend a, EchoBackend b, boolean drainA) {
    return config(
        version,
        pool("web", port, ROUND_ROBIN)
            .addBackends(drainA ? draining(a.address()) : active(a.address()))
            .addBackends(drainA ? active(b.address()) : draining(b.address())));
  }

  /**
   * NIO closes a listening socket for good only at the selector's next pass after the close
   * completes, so the port may take connections for a moment longer.
   */
  private static void awaitRefused(int port) {
    await()
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> TestClient.connect(port).close())
                    .isInstanceOf(ConnectException.class));
  }

  private static void awaitFree(int port) {
    await()
        .ignoreException(BindException.class)
        .until(
            () -> {
              try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return true;
              }
            });
  }

  /**
   * @param expectedBackend the backend's name, or null for any
   */
  private static void assertEchoes(int port, String expectedBackend) throws IOException {
    try (TestClient client = TestClient.connect(port)) {
      String greeting = client.readLine();
      if (expectedBackend != null) {
        assertThat(greeting).isEqualTo(expectedBackend);
      }
      client.send("ping");
      assertThat(new String(client.readExactly(4), US_ASCII)).isEqualTo("ping");
    }
  }
}
