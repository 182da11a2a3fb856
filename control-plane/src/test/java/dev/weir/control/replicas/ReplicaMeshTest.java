package dev.weir.control.replicas;

import static dev.weir.control.testing.ConnectionAnswers.closes;
import static dev.weir.control.testing.ConnectionAnswers.conn;
import static dev.weir.control.testing.ConnectionAnswers.lists;
import static dev.weir.control.testing.StatsReports.health;
import static dev.weir.control.testing.StatsReports.report;
import static dev.weir.control.testing.StatsReports.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.api.v1.WatchRequest;
import dev.weir.control.ControlPlane;
import dev.weir.control.ha.StoreSpec;
import dev.weir.control.testing.EtcdServer;
import dev.weir.control.testing.TestProxy;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three control planes on one real etcd, on loopback gRPC servers, with simulated proxies spread
 * over them: whichever replica is asked answers for every proxy.
 */
class ReplicaMeshTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static EtcdServer etcd;
  private static int prefixes;

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final List<Replica> replicas = new ArrayList<>();
  @TempDir Path dir;

  private record Replica(String id, ControlPlane plane, ManagedChannel channel) {
    AdminServiceGrpc.AdminServiceBlockingStub admin() {
      return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    TestProxy proxy(String proxyId) {
      return new TestProxy(channel).hello(proxyId);
    }
  }

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void startReplicas() throws Exception {
    StoreSpec shared =
        StoreSpec.etcd(List.of(etcd.endpoint()), "/mesh-" + (++prefixes) + "/", null);
    for (String id : List.of("r1", "r2", "r3")) {
      ControlPlane plane =
          new ControlPlane(
                  dir.resolve(id),
                  NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                  Clock.systemUTC())
              .storage(shared)
              .replicas(
                  new ReplicaSettings(id, null, "127.0.0.1", InsecureChannelCredentials.create()));
      opened.add(plane);
      plane.start();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", plane.port()).usePlaintext().build();
      opened.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
      replicas.add(new Replica(id, plane, channel));
    }
    // Every replica follows both others.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              for (Replica replica : replicas) {
                assertThat(
                        replica
                            .admin()
                            .listProxies(ListProxiesRequest.getDefaultInstance())
                            .getCoverage()
                            .getReplicasList())
                    .containsExactlyInAnyOrder("r1", "r2", "r3");
              }
            });
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void everyReplicaListsEveryProxyOnceWithTheReplicaItIsConnectedTo() {
    replica(0).proxy("pa").applyEverything();
    replica(1).proxy("pb").applyEverything();
    replica(2).proxy("pc").applyEverything();

    for (Replica asked : replicas) {
      await()
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                ListProxiesResponse answer =
                    asked.admin().listProxies(ListProxiesRequest.getDefaultInstance());
                assertThat(answer.getProxiesList())
                    .extracting(ProxyInfo::getId)
                    .containsExactly("pa", "pb", "pc");
                assertThat(answer.getProxiesList()).allMatch(ProxyInfo::getConnected);
                for (ProxyInfo proxy : answer.getProxiesList()) {
                  String at = "r" + (char) ('1' + proxy.getId().charAt(1) - 'a');
                  // Empty: the replica asked.
                  assertThat(proxy.getReplica()).isEqualTo(at.equals(asked.id()) ? "" : at);
                }
                assertThat(answer.getCoverage().getAnsweredBy()).isEqualTo(asked.id());
                assertThat(answer.getCoverage().getMissingList()).isEmpty();
              });
    }
  }

  @Test
  void watchersOfOneReplicaSeeTheProxyEventsOfTheOthers() {
    Iterator<FleetEvent> events =
        AdminServiceGrpc.newBlockingStub(replica(0).channel())
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .watch(WatchRequest.getDefaultInstance());
    // A watcher sees what is published after it is registered: its first event, a revision,
    // says it is.
    createPool(replica(0), "web", ":8080", "10.0.0.1:80");
    while (!events.next().hasRevision()) {
      // Only the revision tells.
    }

    replica(1).proxy("pb").applyEverything();

    ProxyEvent connected = null;
    while (connected == null) {
      FleetEvent event = events.next();
      if (event.hasProxy() && event.getProxy().getKind() == ProxyEvent.Kind.CONNECTED) {
        connected = event.getProxy();
      }
    }
    assertThat(connected.getProxyId()).isEqualTo("pb");
    assertThat(connected.getReplica()).isEqualTo("r2");
  }

  @Test
  void waitForAppliedWaitsForTheProxiesOfEveryReplica() {
    replica(0).proxy("pa").applyEverything();
    TestProxy slow = replica(1).proxy("pb");
    await().atMost(WITHIN).until(() -> slow.latest() != null);
    slow.applied(slow.latest());
    awaitListed(replica(0), "pa", "pb");

    long version = createPool(replica(0), "web", ":8080", "10.0.0.1:80");
    WaitForAppliedResponse early =
        replica(0)
            .admin()
            .waitForApplied(
                WaitForAppliedRequest.newBuilder()
                    .setConfigVersion(version)
                    .setTimeout(Durations.fromMillis(500))
                    .build());

    assertThat(early.getComplete()).isFalse();
    assertThat(early.getProxiesList())
        .extracting(ProxyApplyStatus::getProxyId, ProxyApplyStatus::getReplica)
        .containsExactly(tuple("pa", ""), tuple("pb", "r2"));

    await().atMost(WITHIN).until(() -> slow.latest().getVersion() == version);
    slow.applied(slow.latest());
    WaitForAppliedResponse done =
        replica(0)
            .admin()
            .waitForApplied(
                WaitForAppliedRequest.newBuilder()
                    .setConfigVersion(version)
                    .setTimeout(Durations.fromSeconds(10))
                    .build());
    assertThat(done.getComplete()).isTrue();
    assertThat(done.getProxiesList())
        .extracting(ProxyApplyStatus::getAppliedVersion)
        .containsOnly(version);
  }

  @Test
  void aDrainIsNotDrainedWhileAProxyOnAnotherReplicaHoldsAConnection() {
    TestProxy pa = replica(0).proxy("pa").applyEverything();
    TestProxy pb = replica(1).proxy("pb").applyEverything();
    long version = createPool(replica(0), "web", ":8080", "10.0.0.1:80");
    awaitVersion(version, pa, pb);
    pa.stats(report(Instant.now(), stats("web", "10.0.0.1:80")));
    pb.stats(report(Instant.now(), stats("web", "10.0.0.1:80").setActiveConnections(1)));
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> assertThat(backend(replica(0), "web").getActiveConnections()).isEqualTo(1));

    replica(0)
        .admin()
        .drainBackend(
            DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    pa.stats(report(Instant.now(), stats("web", "10.0.0.1:80").setDraining(true)));
    pb.stats(
        report(
            Instant.now(), stats("web", "10.0.0.1:80").setDraining(true).setActiveConnections(1)));

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              DrainStatus drain = backend(replica(0), "web").getDrain();
              assertThat(drain.getState()).isEqualTo(DrainStatus.State.DRAINING);
              assertThat(drain.getRemainingConnections()).isEqualTo(1);
            });

    pb.stats(report(Instant.now(), stats("web", "10.0.0.1:80").setDraining(true)));
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(backend(replica(0), "web").getDrain().getState())
                    .isEqualTo(DrainStatus.State.DRAINED));
  }

  @Test
  void ratesAndFiguresSumTheReportsOfEveryReplicasProxies() {
    TestProxy pa = replica(0).proxy("pa").applyEverything();
    TestProxy pb = replica(1).proxy("pb").applyEverything();
    long version = createPool(replica(0), "web", ":8080", "10.0.0.1:80");
    awaitVersion(version, pa, pb);
    Instant start = Instant.now();
    pb.stats(
        report(
            start, stats("web", "10.0.0.1:80").setTotalConnections(100).setActiveConnections(1)));
    // Seen before the next: a replica sends each proxy's latest state, so two reports in the same
    // few milliseconds would reach the others as one.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> assertThat(backend(replica(0), "web").getActiveConnections()).isEqualTo(1));
    pb.stats(
        report(
            start.plusSeconds(2),
            stats("web", "10.0.0.1:80").setTotalConnections(120).setActiveConnections(3)));
    pa.stats(report(start, stats("web", "10.0.0.1:80").setActiveConnections(2)));

    // The rate is what adaptive weights read too: from reports of a proxy on another replica.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              BackendStatus status = backend(replica(0), "web");
              assertThat(status.getConnectionRate()).isEqualTo(10.0);
              assertThat(status.getActiveConnections()).isEqualTo(5);
            });
  }

  @Test
  void healthByQuorumCountsTheVotesOfEveryReplicasProxies() {
    TestProxy pa = replica(0).proxy("pa").applyEverything();
    TestProxy pb = replica(1).proxy("pb").applyEverything();
    TestProxy pc = replica(2).proxy("pc").applyEverything();
    long version = createPool(replica(0), "web", ":8080", "10.0.0.1:80");
    // Reports name only pools their replica knows.
    awaitVersion(version, pa, pb, pc);
    awaitListed(replica(0), "pa", "pb", "pc");

    pa.stats(report(Instant.now(), health("web", "10.0.0.1:80", BackendHealth.HEALTHY)));
    pb.stats(report(Instant.now(), health("web", "10.0.0.1:80", BackendHealth.HEALTHY)));
    // In this order, so that no flip between verdicts on the way gets the backend damped.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> assertThat(backend(replica(0), "web").getHealthyProxies()).isEqualTo(2));
    pc.stats(report(Instant.now(), health("web", "10.0.0.1:80", BackendHealth.UNHEALTHY)));
    // One vote of three, on a third replica: not a quorum.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              BackendStatus status = backend(replica(0), "web");
              assertThat(status.getUnhealthyProxies()).isEqualTo(1);
              assertThat(status.getHealthyProxies()).isEqualTo(2);
              assertThat(status.getFleetHealth()).isEqualTo(FleetHealth.FLEET_HEALTHY);
            });

    pb.stats(report(Instant.now(), health("web", "10.0.0.1:80", BackendHealth.UNHEALTHY)));
    // Two of three, both on other replicas than the one asked.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(backend(replica(0), "web").getFleetHealth())
                    .isEqualTo(FleetHealth.FLEET_UNHEALTHY));
  }

  @Test
  void connectionsOfAProxyOnAnotherReplicaAreListedAndClosedThroughAnyReplica() {
    replica(0).proxy("pa").applyEverything().answerRequests(lists(conn(1, "10.0.0.1:80")));
    TestProxy pb = replica(1).proxy("pb").applyEverything();
    pb.answerRequests(
        m -> m.hasListConnections() ? lists(conn(7, "10.0.0.1:80")).apply(m) : closes(7).apply(m));
    awaitListed(replica(0), "pa", "pb");

    ListConnectionsResponse listed =
        replica(0).admin().listConnections(ListConnectionsRequest.getDefaultInstance());
    assertThat(listed.getConnectionsList())
        .extracting(ConnectionInfo::getId)
        .containsExactly("pa/1", "pb/7");
    assertThat(listed.getCoverage().getReplicasList()).containsExactlyInAnyOrder("r1", "r2", "r3");
    assertThat(listed.getCoverage().getMissingList()).isEmpty();

    ConnectionInfo closed =
        replica(0)
            .admin()
            .closeConnection(CloseConnectionRequest.newBuilder().setId("pb/7").build())
            .getConnection();
    assertThat(closed.getId()).isEqualTo("pb/7");
    assertThat(pb.requests()).anyMatch(ControlMessage::hasCloseConnection);
  }

  @Test
  void aReplicaThatLeavesIsNamedUntilItsProxiesAreBackAndThenTheyAreCountedOnce() throws Exception {
    replica(0).proxy("pa").applyEverything();
    TestProxy pc = replica(2).proxy("pc").applyEverything();
    awaitListed(replica(0), "pa", "pc");

    replica(2).plane().close();

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              ListProxiesResponse answer =
                  replica(0).admin().listProxies(ListProxiesRequest.getDefaultInstance());
              assertThat(answer.getCoverage().getMissingList())
                  .singleElement()
                  .satisfies(
                      missing -> {
                        assertThat(missing.getReplicaId()).isEqualTo("r3");
                        assertThat(missing.getProxiesList()).containsExactly("pc");
                      });
              assertThat(answer.getProxiesList())
                  .extracting(ProxyInfo::getId)
                  .containsExactly("pa");
            });

    // It reconnects to another replica, as a proxy does when its stream ends.
    replica(1).proxy("pc").applyEverything();

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              ListProxiesResponse answer =
                  replica(0).admin().listProxies(ListProxiesRequest.getDefaultInstance());
              assertThat(answer.getCoverage().getMissingList()).isEmpty();
              assertThat(answer.getProxiesList())
                  .extracting(ProxyInfo::getId, ProxyInfo::getReplica)
                  .containsExactly(tuple("pa", ""), tuple("pc", "r2"));
            });
    assertThat(pc.closedWith()).isNotNull();
  }

  private Replica replica(int index) {
    return replicas.get(index);
  }

  private static void awaitListed(Replica asked, String... ids) {
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        asked
                            .admin()
                            .listProxies(ListProxiesRequest.getDefaultInstance())
                            .getProxiesList())
                    .filteredOn(ProxyInfo::getConnected)
                    .extracting(ProxyInfo::getId)
                    .containsExactly(ids));
  }

  private static void awaitVersion(long version, TestProxy... proxies) {
    for (TestProxy proxy : proxies) {
      await().atMost(WITHIN).until(() -> proxy.latest().getVersion() == version);
    }
  }

  private static long createPool(Replica via, String name, String listen, String backend) {
    return via.admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName(name)
                .setListen(listen)
                .addBackends(Backend.newBuilder().setAddress(backend))
                .build())
        .getConfigVersion();
  }

  private static BackendStatus backend(Replica asked, String pool) {
    PoolStatus status =
        asked.admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName(pool).build());
    return status.getBackends(0);
  }
}
