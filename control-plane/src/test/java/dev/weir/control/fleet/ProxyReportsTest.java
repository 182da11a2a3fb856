package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import dev.weir.control.testing.TestProxy;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the fleet keeps of what proxies send, and what it refuses to keep. */
class ProxyReportsTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private ProxyFleet fleet;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    PoolRegistry pools = PoolRegistry.load(new InMemoryConfigStore());
    pools.apply(
        PoolMutations.createPool(
            CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build()));
    fleet = new ProxyFleet(pools, clock);
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(fleet.service())
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    fleet.close();
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(10, TimeUnit.SECONDS);
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void everyNewBackendAndListenerFigureIsKeptForKnownPoolsOnly() {
    BackendStats backend =
        BackendStats.newBuilder()
            .setPool("web")
            .setAddress("10.0.0.1:80")
            .setRefusedConnections(1)
            .setConnectLatencyP50Us(2)
            .setConnectLatencyP99Us(3)
            .setDraining(true)
            .setDrainClosedConnections(4)
            .setHealth(BackendHealth.EJECTED)
            .setEjectedUntil(Timestamp.newBuilder().setSeconds(5))
            .build();
    ListenerStats listener =
        ListenerStats.newBuilder()
            .setPool("web")
            .setAddress("0.0.0.0:8080")
            .setAcceptedConnections(10)
            .setRefusedConnections(2)
            .setNoBackendConnections(1)
            .setActiveConnections(7)
            .build();
    new TestProxy(channel)
        .hello("edge-1")
        .stats(
            StatsReport.newBuilder()
                .addBackends(backend)
                .addBackends(backend.toBuilder().setPool("gone"))
                .addListeners(listener)
                .addListeners(listener.toBuilder().setPool("gone"))
                .build());

    await().until(() -> !fleet.connectedReports().isEmpty());
    StatsReport kept = fleet.connectedReports().get(0);
    assertThat(kept.getBackendsList()).containsExactly(backend);
    assertThat(kept.getListenersList()).containsExactly(listener);
  }

  @Test
  void aHelloWithAHostnameOver255CharactersIsRefused() {
    TestProxy proxy = new TestProxy(channel).hello(hello().setHostname("h".repeat(256)).build());

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(proxy.closedWith().getDescription())
        .isEqualTo("hostname must be at most 255 characters, got 256");
    assertThat(fleet.proxies()).isEmpty();
  }

  @Test
  void aHelloWithAVersionOver64CharactersIsRefused() {
    TestProxy proxy = new TestProxy(channel).hello(hello().setVersion("1".repeat(65)).build());

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(proxy.closedWith().getDescription())
        .isEqualTo("version must be at most 64 characters, got 65");
  }

  @Test
  void aHelloWithControlCharactersInItsHostnameIsRefused() {
    TestProxy proxy = new TestProxy(channel).hello(hello().setHostname("edge\u001b[2J").build());

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getDescription())
        .isEqualTo("hostname must not contain control characters, got U+001B at index 4");
  }

  @Test
  void aHelloAtTheLengthLimitsIsAccepted() {
    new TestProxy(channel)
        .hello(hello().setHostname("h".repeat(255)).setVersion("1".repeat(64)).build());

    await().until(() -> !fleet.proxies().isEmpty());
    ProxyInfo info = fleet.proxies().get(0);
    assertThat(info.getHostname()).hasSize(255);
    assertThat(info.getVersion()).hasSize(64);
  }

  @Test
  void aVeryLongNackReasonIsCutToAKilobyte() {
    TestProxy proxy = new TestProxy(channel).hello(hello().build());
    await().until(() -> proxy.latest() != null);

    proxy.nack(proxy.latest(), "x".repeat(100_000));

    await().until(() -> !fleet.proxies().get(0).getLastNackReason().isEmpty());
    assertThat(fleet.proxies().get(0).getLastNackReason()).hasSize(1025).endsWith("x…");
  }

  private static Hello.Builder hello() {
    return Hello.newBuilder().setProxyId("edge-1").setHostname("edge-1.local").setVersion("0.1.0");
  }
}
