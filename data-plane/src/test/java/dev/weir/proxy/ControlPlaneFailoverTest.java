package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.proxy.control.ControlPlaneAddresses;
import dev.weir.proxy.control.ControlPlaneClient;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.listen.Pools;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.Snapshots;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy given two control-plane replicas moves to the second when the first goes away, over real
 * gRPC connections, and the move costs its clients nothing: the same config from the other replica
 * keeps listeners bound and connections open. (Replicas share one store, so they offer the same
 * version; a proxy refuses an older one, see FleetRefusalTest.)
 */
class ControlPlaneFailoverTest {

  @TempDir Path dir;
  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @Test
  void anOpenConnectionSurvivesTheMoveToAnotherReplica() throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port = FreePort.find();
    Replica one = resources.add(new Replica(snapshot(7, port, echo)));
    Replica two = resources.add(new Replica(snapshot(7, port, echo)));
    Pools listeners = startProxy(one.port() + "," + two.port());

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> one.appliedVersions.size() + two.appliedVersions.size() == 1);
    Replica first = one.appliedVersions.isEmpty() ? two : one;
    Replica second = first == one ? two : one;
    TestClient open = resources.add(TestClient.connect(port));
    assertThat(open.readLine()).isEqualTo("echo");
    open.send("before\n");
    assertThat(open.readLine()).isEqualTo("before");

    first.close();

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> second.appliedVersions.contains(second.snapshot.getVersion()));
    assertThat(listeners.version()).isEqualTo(second.snapshot.getVersion());
    open.send("after the move\n");
    assertThat(open.readLine())
        .as("the connection opened before the move")
        .isEqualTo("after the move");
    try (TestClient fresh = TestClient.connect(port)) {
      assertThat(fresh.readLine()).isEqualTo("echo");
    }
    assertThat(echo.accepted()).as("the first connection was never re-established").isEqualTo(2);
    ListenerStats stats = listeners.listenerStats().get(0);
    assertThat(stats.getAcceptedConnections())
        .as("the same listener, not a new one, accepted both")
        .isEqualTo(2);
  }

  @Test
  void replicasAreHostPortListsAndBadEntriesAreNamed() {
    assertThat(ControlPlaneAddresses.parse("127.0.0.1:9900, cp-2.internal:9901,[::1]:9902"))
        .hasToString("127.0.0.1:9900,cp-2.internal:9901,[::1]:9902");
    for (String bad : List.of("127.0.0.1", "a:1,,b:2", "::1:9900", "a:70000", "a:1,A:1")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ControlPlaneAddresses.parse(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageMatching("'.*' is (not HOST:PORT|listed twice).*");
    }
  }

  private Pools startProxy(String ports) throws Exception {
    Transport transport = Transport.nio();
    EventLoopGroup group = transport.newEventLoopGroup(1, "test");
    resources.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
    Pools listeners =
        resources.add(
            new Pools(group, transport, 1, Duration.ofSeconds(1), Duration.ofSeconds(5), null));
    AppliedConfig dataPlane =
        new AppliedConfig(listeners, new LastConfigFile(dir.resolve("p.snapshot")), Runnable::run);
    StringBuilder replicas = new StringBuilder();
    for (String p : ports.split(",")) {
      replicas.append(replicas.length() == 0 ? "" : ",").append("127.0.0.1:").append(p);
    }
    ControlPlaneAddresses addresses = ControlPlaneAddresses.parse(replicas.toString());
    ManagedChannel channel =
        NettyChannelBuilder.forTarget(addresses.target(), InsecureChannelCredentials.create())
            .nameResolverFactory(addresses)
            .defaultServiceConfig(addresses.serviceConfig())
            .build();
    resources.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    resources.add(scheduler::shutdownNow);
    ControlPlaneClient client =
        resources.add(
            new ControlPlaneClient(
                channel,
                addresses.toString(),
                Hello.newBuilder().setProxyId("edge-1").build(),
                dataPlane,
                scheduler,
                Duration.ofHours(1),
                new ReconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100), () -> 0.5),
                Clock.systemUTC()));
    client.start();
    return listeners;
  }

  private static ConfigSnapshot snapshot(long version, int port, EchoBackend echo) {
    return ConfigSnapshot.newBuilder()
        .setVersion(version)
        .setNonce("n" + version)
        .addPools(
            Snapshots.pool("web", port, Algorithm.ROUND_ROBIN)
                .addBackends(Snapshots.active(echo.address())))
        .build();
  }

  /** A control-plane replica on a real port: answers every hello with its one snapshot. */
  private static final class Replica extends ProxyServiceGrpc.ProxyServiceImplBase
      implements AutoCloseable {
    final ConfigSnapshot snapshot;
    final List<Long> appliedVersions = new CopyOnWriteArrayList<>();
    private final Server server;

    Replica(ConfigSnapshot snapshot) throws Exception {
      this.snapshot = snapshot;
      this.server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
              .addService(this)
              .build()
              .start();
    }

    int port() {
      return server.getPort();
    }

    @Override
    public StreamObserver<ProxyMessage> connect(StreamObserver<ControlMessage> toProxy) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ProxyMessage message) {
          if (message.hasHello()) {
            synchronized (toProxy) {
              toProxy.onNext(ControlMessage.newBuilder().setSnapshot(snapshot).build());
            }
          } else if (message.hasApplied()) {
            appliedVersions.add(message.getApplied().getVersion());
          }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          synchronized (toProxy) {
            toProxy.onCompleted();
          }
        }
      };
    }

    @Override
    public void close() throws InterruptedException {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
