package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.draining;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Per-pool limits and deadlines, enforced on real connections. */
@Timeout(60)
class PoolLimitsTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  private static Pool.Builder withSettings(Pool.Builder pool, PoolSettings.Builder settings) {
    return pool.setSettings(settings);
  }

  private static Duration millis(int ms) {
    return Duration.newBuilder().setNanos(ms * 1_000_000).build();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void listenerAtMaxConnectionsRefusesTheExcessAndCountsIt(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            withSettings(
                pool("web", port, ROUND_ROBIN).addBackends(active(echo.address())),
                PoolSettings.newBuilder().setLimits(Limits.newBuilder().setMaxConnections(2)))));

    TestClient first = resources.add(TestClient.connect(port));
    TestClient second = resources.add(TestClient.connect(port));
    assertThat(first.readLine()).isEqualTo("echo");
    assertThat(second.readLine()).isEqualTo("echo");

    assertThat(endsWithoutData(port)).as("the third connection is closed at once").isTrue();
    ListenerStats stats = proxy.listeners().listenerStats().get(0);
    assertThat(stats.getRefusedConnections()).isEqualTo(1);
    assertThat(stats.getActiveConnections()).isEqualTo(2);
    assertThat(echo.accepted()).isEqualTo(2);

    first.close();
    await().until(() -> proxy.listeners().listenerStats().get(0).getActiveConnections() == 1);
    try (TestClient fourth = TestClient.connect(port)) {
      assertThat(fourth.readLine()).as("room again once one closed").isEqualTo("echo");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void fullBackendsArePassedOverAndAConnectionNoneCanTakeIsClosed(Transport transport)
      throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            withSettings(
                pool("web", port, ROUND_ROBIN)
                    .addBackends(active(a.address()))
                    .addBackends(active(b.address())),
                PoolSettings.newBuilder()
                    .setLimits(Limits.newBuilder().setMaxConnectionsPerBackend(1)))));

    TestClient first = resources.add(TestClient.connect(port));
    TestClient second = resources.add(TestClient.connect(port));
    assertThat(java.util.Set.of(first.readLine(), second.readLine()))
        .as("one connection on each backend")
        .containsExactlyInAnyOrder("a", "b");

    assertThat(endsWithoutData(port)).isTrue();
    assertThat(a.accepted() + b.accepted()).isEqualTo(2);
    assertThat(
            proxy.stats("web", a.address()).getRefusedConnections()
                + proxy.stats("web", b.address()).getRefusedConnections())
        .isPositive();
    assertThat(proxy.listeners().listenerStats().get(0).getNoBackendConnections()).isEqualTo(1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void idleConnectionsAreClosedOnBothSides(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            withSettings(
                pool("web", port, ROUND_ROBIN).addBackends(active(echo.address())),
                PoolSettings.newBuilder()
                    .setLimits(Limits.newBuilder().setIdleTimeout(millis(300))))));

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
      client.send("ping");
      assertThat(new String(client.readExactly(4), US_ASCII)).isEqualTo("ping");
      // Then nothing either way: the proxy must end it, with FIN rather than a reset.
      assertThat(client.in().read()).isEqualTo(-1);
    }
    await().until(() -> echo.openConnections() == 0);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void drainDeadlineClosesRemainingConnectionsWithFin(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    PoolSettings.Builder settings = PoolSettings.newBuilder().setDrainTimeout(millis(400));
    proxy.apply(
        config(
            1,
            withSettings(
                pool("web", port, ROUND_ROBIN)
                    .addBackends(active(a.address()))
                    .addBackends(active(b.address())),
                settings)));
    TestClient onA = null;
    TestClient onB = null;
    while (onA == null || onB == null) {
      TestClient c = resources.add(TestClient.connect(port));
      if (c.readLine().equals("a")) {
        onA = onA == null ? c : onA;
      } else {
        onB = onB == null ? c : onB;
      }
    }

    proxy.apply(
        config(
            2,
            withSettings(
                pool("web", port, ROUND_ROBIN)
                    .addBackends(draining(a.address()))
                    .addBackends(active(b.address())),
                settings)));
    onA.send("before the deadline");
    assertThat(new String(onA.readExactly(19), US_ASCII)).isEqualTo("before the deadline");

    // Blocks until the deadline closes it: end of stream (FIN), not a reset.
    assertThat(onA.in().read()).isEqualTo(-1);
    assertThat(proxy.stats("web", a.address()).getDrainClosedConnections()).isEqualTo(1);
    await().until(() -> proxy.stats("web", a.address()).getActiveConnections() == 0);

    onB.send("unaffected");
    assertThat(new String(onB.readExactly(10), US_ASCII)).isEqualTo("unaffected");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void undrainingBeforeTheDeadlineCancelsIt(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    PoolSettings.Builder settings = PoolSettings.newBuilder().setDrainTimeout(millis(300));
    proxy.apply(
        config(
            1,
            withSettings(
                pool("web", port, ROUND_ROBIN).addBackends(active(a.address())), settings)));
    TestClient client = resources.add(TestClient.connect(port));
    assertThat(client.readLine()).isEqualTo("a");

    proxy.apply(
        config(
            2,
            withSettings(
                pool("web", port, ROUND_ROBIN).addBackends(draining(a.address())), settings)));
    proxy.apply(
        config(
            3,
            withSettings(
                pool("web", port, ROUND_ROBIN).addBackends(active(a.address())), settings)));

    // Well past the old deadline, a round trip still works.
    long until = System.nanoTime() + 900_000_000L;
    while (System.nanoTime() < until) {
      client.send("x");
      assertThat(client.readExactly(1)).containsExactly('x');
    }
    assertThat(proxy.stats("web", a.address()).getDrainClosedConnections()).isZero();
  }

  /**
   * Whether the proxy ends a new connection before any byte arrives, with FIN or with a reset; a
   * refusal can be so fast that the reset arrives while connect() is still returning.
   */
  private static boolean endsWithoutData(int port) throws IOException {
    try (TestClient client = TestClient.connect(port)) {
      return client.in().read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }
}
