package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.draining;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fleet-wide drain deadline (an absolute time on the backend) together with the pool's drain
 * timeout, on real connections: whichever comes first closes what is left, with FIN.
 */
@Timeout(60)
class FleetDrainDeadlineTest {

  private final Resources resources = new Resources();
  private EchoBackend a;
  private EchoBackend b;
  private LoopbackProxy proxy;
  private int port;

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aDeadlineAlreadyPastClosesTheRemainingConnectionsAtOnce(Transport transport)
      throws Exception {
    TestClient onA = start(transport, PoolSettings.newBuilder());

    apply(
        2,
        PoolSettings.newBuilder(),
        withDeadline(draining(a.address()), Instant.now().minusSeconds(5)));

    assertThat(onA.in().read()).as("end of stream, not a reset").isEqualTo(-1);
    await().until(() -> proxy.stats("web", a.address()).getDrainClosedConnections() == 1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aFleetDeadlineEarlierThanTheDrainTimeoutClosesAtTheDeadline(Transport transport)
      throws Exception {
    PoolSettings.Builder hourLong = PoolSettings.newBuilder().setDrainTimeout(seconds(3600));
    TestClient onA = start(transport, hourLong);
    TestClient onB = otherClient();

    apply(2, hourLong, withDeadline(draining(a.address()), Instant.now().plusMillis(400)));
    onA.send("before");
    assertThat(new String(onA.readExactly(6), US_ASCII)).isEqualTo("before");

    assertThat(onA.in().read()).isEqualTo(-1);
    await().until(() -> proxy.stats("web", a.address()).getDrainClosedConnections() == 1);
    onB.send("unaffected");
    assertThat(new String(onB.readExactly(10), US_ASCII)).isEqualTo("unaffected");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aDrainTimeoutEarlierThanTheFleetDeadlineStillClosesFirst(Transport transport)
      throws Exception {
    PoolSettings.Builder quick = PoolSettings.newBuilder().setDrainTimeout(millis(400));
    TestClient onA = start(transport, quick);

    apply(2, quick, withDeadline(draining(a.address()), Instant.now().plusSeconds(3600)));

    assertThat(onA.in().read()).isEqualTo(-1);
    await().until(() -> proxy.stats("web", a.address()).getDrainClosedConnections() == 1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aDeadlineSetOnABackendAlreadyDrainingMovesItsCloseEarlier(Transport transport)
      throws Exception {
    TestClient onA = start(transport, PoolSettings.newBuilder());
    apply(2, PoolSettings.newBuilder(), draining(a.address()));
    onA.send("x");
    assertThat(onA.readExactly(1)).containsExactly('x');

    apply(
        3,
        PoolSettings.newBuilder(),
        withDeadline(draining(a.address()), Instant.now().plusMillis(200)));

    assertThat(onA.in().read()).isEqualTo(-1);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void undrainingBeforeTheFleetDeadlineCancelsIt(Transport transport) throws Exception {
    TestClient onA = start(transport, PoolSettings.newBuilder());
    Instant deadline = Instant.now().plusMillis(300);
    apply(2, PoolSettings.newBuilder(), withDeadline(draining(a.address()), deadline));
    apply(3, PoolSettings.newBuilder(), active(a.address()));

    // Well past the old deadline, a round trip still works.
    while (Instant.now().isBefore(deadline.plusMillis(600))) {
      onA.send("x");
      assertThat(onA.readExactly(1)).containsExactly('x');
    }
    assertThat(proxy.stats("web", a.address()).getDrainClosedConnections()).isZero();
  }

  /** Pool "web" over backends a and b; returns a connection that reached a. */
  private TestClient start(Transport transport, PoolSettings.Builder settings) throws Exception {
    a = resources.add(new EchoBackend("a"));
    b = resources.add(new EchoBackend("b"));
    proxy = resources.add(new LoopbackProxy(transport));
    port = FreePort.find();
    apply(1, settings, active(a.address()));
    return clientOn("a");
  }

  /** A connection that reached b, which every config here leaves active. */
  private TestClient otherClient() throws Exception {
    return clientOn("b");
  }

  private TestClient clientOn(String backend) throws Exception {
    while (true) {
      TestClient client = resources.add(TestClient.connect(port));
      if (client.readLine().equals(backend)) {
        return client;
      }
    }
  }

  private void apply(long version, PoolSettings.Builder settings, Backend first) throws Exception {
    Pool.Builder web =
        pool("web", port, ROUND_ROBIN)
            .addBackends(first)
            .addBackends(active(b.address()))
            .setSettings(settings);
    proxy.apply(config(version, web));
  }

  private static Backend withDeadline(Backend backend, Instant deadline) {
    return backend.toBuilder()
        .setDrainDeadline(
            Timestamp.newBuilder()
                .setSeconds(deadline.getEpochSecond())
                .setNanos(deadline.getNano()))
        .build();
  }

  private static com.google.protobuf.Duration millis(int ms) {
    return com.google.protobuf.Duration.newBuilder().setNanos(ms * 1_000_000).build();
  }

  private static com.google.protobuf.Duration seconds(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }
}
