package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import dev.weir.control.testing.TestProxy;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetListenerTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final List<String> events = new CopyOnWriteArrayList<>();
  private PoolRegistry pools;
  private ProxyFleet fleet;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    pools = PoolRegistry.load(new InMemoryConfigStore());
    fleet = new ProxyFleet(pools, clock);
    fleet.addListener(
        new FleetListener() {
          @Override
          public void proxyConnected(String proxyId) {
            events.add("connected " + proxyId);
          }

          @Override
          public void proxyDisconnected(String proxyId) {
            events.add("disconnected " + proxyId);
          }

          @Override
          public void snapshotAcked(String proxyId, long version, Duration pushLatency) {
            events.add(
                "acked " + proxyId + " v" + version + " in " + pushLatency.toMillis() + " ms");
          }

          @Override
          public void snapshotNacked(String proxyId, long version, String reason) {
            events.add("nacked " + proxyId + " v" + version + ": " + reason);
          }

          @Override
          public void statsReported(String proxyId, StatsReport report) {
            events.add("stats " + proxyId);
          }
        });
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
  void listenersHearTheStreamsLifeIncludingHowLongEachPushTookToBeAcked() {
    TestProxy proxy = new TestProxy(channel).hello("edge-1");
    await().until(() -> proxy.latest() != null);
    clock.advance(Duration.ofMillis(250));
    proxy.ack(proxy.latest());

    pools.apply(
        PoolMutations.createPool(
            CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build()));
    await().until(() -> proxy.latest().getVersion() == 1);
    proxy.nack(proxy.latest(), "no");
    proxy.stats(StatsReport.getDefaultInstance());
    proxy.cancel();

    await().until(() -> events.size() == 5);
    assertThat(events)
        .containsExactly(
            "connected edge-1",
            "acked edge-1 v0 in 250 ms",
            "nacked edge-1 v1: no",
            "stats edge-1",
            "disconnected edge-1");
  }
}
