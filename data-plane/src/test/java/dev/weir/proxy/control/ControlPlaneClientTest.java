package dev.weir.proxy.control;

import static dev.weir.api.v1.ProxyMessage.KindCase.ACK;
import static dev.weir.api.v1.ProxyMessage.KindCase.APPLIED;
import static dev.weir.api.v1.ProxyMessage.KindCase.CONNECTIONS;
import static dev.weir.api.v1.ProxyMessage.KindCase.CONNECTION_CLOSED;
import static dev.weir.api.v1.ProxyMessage.KindCase.HELLO;
import static dev.weir.api.v1.ProxyMessage.KindCase.NACK;
import static dev.weir.api.v1.ProxyMessage.KindCase.POOL_STATUS;
import static dev.weir.api.v1.ProxyMessage.KindCase.STATS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.CloseConnectionCommand;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.StatsReport;
import dev.weir.proxy.config.InvalidConfigException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ControlPlaneClientTest {

  private static final Hello PROXY_HELLO =
      Hello.newBuilder().setProxyId("edge-1").setHostname("host-a").setVersion("test").build();
  private static final Instant NOW = Instant.parse("2030-01-02T03:04:05.678Z");
  private static final Duration NO_STATS_YET = Duration.ofHours(1);
  private static final List<BackendStats> STATS_FIXTURE =
      List.of(
          BackendStats.newBuilder()
              .setPool("web")
              .setAddress("10.0.0.1:80")
              .setActiveConnections(2)
              .setTotalConnections(9)
              .setHealth(BackendHealth.HEALTHY)
              .build());

  private final FakeProxyService controlPlane = new FakeProxyService();
  private final FakeControlledProxy applier = new FakeControlledProxy(2);
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private String serverName;
  private Server server;
  private ManagedChannel channel;
  private ControlPlaneClient client;

  @BeforeEach
  void startControlPlane() throws IOException {
    serverName = InProcessServerBuilder.generateName();
    server = startServer();
    channel = InProcessChannelBuilder.forName(serverName).directExecutor().build();
  }

  @AfterEach
  void stopEverything() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    channel.shutdownNow();
    if (server != null) {
      server.shutdownNow();
    }
    scheduler.shutdownNow();
    assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    if (server != null) {
      assertThat(server.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void saysHelloFirstWithItsIdAndTheVersionItServes() {
    start(NO_STATS_YET, quickBackoff());

    FakeProxyService.Stream stream = awaitStream(0);
    await().until(() -> !stream.received.isEmpty());
    ProxyMessage first = stream.received.get(0);
    assertThat(first.getKindCase()).isEqualTo(HELLO);
    assertThat(first.getHello().getProxyId()).isEqualTo("edge-1");
    assertThat(first.getHello().getHostname()).isEqualTo("host-a");
    assertThat(first.getHello().getConfigVersion()).isEqualTo(2);
    assertThat(client.isConnected()).as("no snapshot yet").isFalse();
  }

  @Test
  void answersConnectionRequestsWithTheirRequestIds() {
    applier.connections.add(ConnectionInfo.newBuilder().setSequence(5).setPool("web").build());
    applier.connections.add(ConnectionInfo.newBuilder().setSequence(6).setPool("web").build());
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(
        ControlMessage.newBuilder()
            .setListConnections(
                ListConnectionsCommand.newBuilder().setRequestId(31).setPool("web").setLimit(10))
            .build());
    stream.send(
        ControlMessage.newBuilder()
            .setCloseConnection(CloseConnectionCommand.newBuilder().setRequestId(32).setSequence(6))
            .build());
    stream.send(
        ControlMessage.newBuilder()
            .setCloseConnection(CloseConnectionCommand.newBuilder().setRequestId(33).setSequence(6))
            .build());

    await().until(() -> stream.received(CONNECTION_CLOSED).size() == 2);
    ConnectionList listed = stream.received(CONNECTIONS).get(0).getConnections();
    assertThat(listed.getRequestId()).isEqualTo(31);
    assertThat(listed.getConnectionsList())
        .extracting(ConnectionInfo::getSequence)
        .containsExactly(5L, 6L);
    assertThat(applier.listCommands.get(0).getPool()).isEqualTo("web");
    assertThat(applier.listCommands.get(0).getLimit()).isEqualTo(10);
    List<ProxyMessage> closes = stream.received(CONNECTION_CLOSED);
    assertThat(closes.get(0).getConnectionClosed().getRequestId()).isEqualTo(32);
    assertThat(closes.get(0).getConnectionClosed().getFound()).isTrue();
    assertThat(closes.get(1).getConnectionClosed().getRequestId()).isEqualTo(33);
    assertThat(closes.get(1).getConnectionClosed().getFound()).as("closed already").isFalse();
  }

  @Test
  void appliesASnapshotAndAcksItsVersionAndNonce() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(7, "nonce-7"));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(stream.received(ACK).get(0).getAck().getVersion()).isEqualTo(7);
    assertThat(stream.received(ACK).get(0).getAck().getNonce()).isEqualTo("nonce-7");
    assertThat(applier.applied).extracting(ConfigSnapshot::getVersion).containsExactly(7L);
    assertThat(stream.received(NACK)).isEmpty();
    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void acksOnceTheSnapshotIsValidatedAndReportsItAppliedOnceItIsInForce() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    List<ProxyMessage> sentBeforeTheApply = new ArrayList<>();
    applier.duringApply = () -> sentBeforeTheApply.addAll(stream.received);

    stream.send(snapshot(7, "nonce-7"));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(sentBeforeTheApply)
        .extracting(ProxyMessage::getKindCase)
        .as("the ACK is sent before the apply starts")
        .containsExactly(HELLO, ACK);
    assertThat(stream.received)
        .extracting(ProxyMessage::getKindCase)
        .containsExactly(HELLO, ACK, APPLIED);
    ProxyMessage applied = stream.received(APPLIED).get(0);
    assertThat(applied.getApplied().getVersion()).isEqualTo(7);
    assertThat(applied.getApplied().getNonce()).isEqualTo("nonce-7");
  }

  @Test
  void acksButThenNacksASnapshotThatFailsToApplyAndKeepsServingTheOldOne() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    applier.failApplyWith =
        new InvalidConfigException("pool web: cannot listen on 0.0.0.0:80: Permission denied");

    stream.send(snapshot(8, "nonce-8"));

    await().until(() -> stream.received(NACK).size() == 1);
    assertThat(stream.received)
        .extracting(ProxyMessage::getKindCase)
        .containsExactly(HELLO, ACK, NACK);
    ProxyMessage nack = stream.received(NACK).get(0);
    assertThat(nack.getNack().getVersion()).isEqualTo(8);
    assertThat(nack.getNack().getNonce()).isEqualTo("nonce-8");
    assertThat(nack.getNack().getReason())
        .isEqualTo("pool web: cannot listen on 0.0.0.0:80: Permission denied");
    assertThat(stream.received(APPLIED)).isEmpty();
    assertThat(applier.version()).isEqualTo(2);
  }

  @Test
  void reportsPoolsThatCouldNotBeAppliedWithTheAppliedVersionNotAsANack() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    PoolApplyFailure busy =
        PoolApplyFailure.newBuilder()
            .setPool("busy")
            .setListen("0.0.0.0:8080")
            .setReason("cannot listen on 0.0.0.0:8080: in use")
            .build();
    applier.failPools = List.of(busy);

    stream.send(snapshot(8, "nonce-8"));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(stream.received)
        .extracting(ProxyMessage::getKindCase)
        .containsExactly(HELLO, ACK, APPLIED);
    assertThat(stream.received(APPLIED).get(0).getApplied().getFailedPoolsList())
        .containsExactly(busy);
    assertThat(applier.version()).isEqualTo(8);
  }

  @Test
  void sendsThePoolStatusWhenTheProxysOwnRetryChangesIt() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    stream.send(snapshot(8, "nonce-8"));
    await().until(() -> stream.received(APPLIED).size() == 1);

    applier.poolStatusListener.accept(PoolApplyStatus.newBuilder().setConfigVersion(8).build());

    await().until(() -> stream.received(POOL_STATUS).size() == 1);
    assertThat(stream.received(POOL_STATUS).get(0).getPoolStatus().getConfigVersion()).isEqualTo(8);
    assertThat(stream.received(POOL_STATUS).get(0).getPoolStatus().getFailedPoolsList()).isEmpty();
  }

  @Test
  void nacksASnapshotItCannotApplyWithTheReason() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    applier.rejectWith = "pool web: cannot listen on 127.0.0.1:80: Address already in use";

    stream.send(snapshot(8, "nonce-8"));

    await().until(() -> stream.received(NACK).size() == 1);
    ProxyMessage nack = stream.received(NACK).get(0);
    assertThat(nack.getNack().getVersion()).isEqualTo(8);
    assertThat(nack.getNack().getNonce()).isEqualTo("nonce-8");
    assertThat(nack.getNack().getReason())
        .isEqualTo("pool web: cannot listen on 127.0.0.1:80: Address already in use");
    assertThat(stream.received(ACK)).as("refused at validation: never ACKed").isEmpty();
    assertThat(stream.received(APPLIED)).isEmpty();
    assertThat(applier.version()).isEqualTo(2);
  }

  @Test
  void nacksASnapshotWhoseApplyFailsUnexpectedlyAndKeepsTheStream() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    applier.failApplyWith = new IllegalStateException("event loop group is shut down");

    stream.send(snapshot(8, "nonce-8"));

    await().until(() -> stream.received(NACK).size() == 1);
    assertThat(stream.received(NACK).get(0).getNack().getReason())
        .isEqualTo("event loop group is shut down");
    applier.failApplyWith = null;
    stream.send(snapshot(9, "nonce-9"));
    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(stream.received(APPLIED).get(0).getApplied().getVersion()).isEqualTo(9);
    assertThat(controlPlane.streams).hasSize(1);
  }

  @Test
  void answersASnapshotSentBeforeItsHelloArrived() {
    controlPlane.eagerGreeting = snapshot(5, "nonce-5");

    start(NO_STATS_YET, quickBackoff());

    FakeProxyService.Stream stream = awaitStream(0);
    await().until(() -> stream.received(ACK).size() == 1);
    assertThat(stream.received(HELLO)).hasSize(1);
    assertThat(stream.received(ACK).get(0).getAck().getVersion()).isEqualTo(5);
    assertThat(controlPlane.streams).hasSize(1);
  }

  @Test
  void ignoresMessagesOfAKindItDoesNotKnow() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(ControlMessage.getDefaultInstance());
    stream.send(snapshot(9, "nonce-9"));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(stream.received)
        .extracting(ProxyMessage::getKindCase)
        .containsExactly(HELLO, ACK, APPLIED);
    assertThat(controlPlane.streams).hasSize(1);
  }

  @Test
  void reportsStatsAtItsIntervalOnceTheControlPlaneHasSentConfig() {
    applier.stats = STATS_FIXTURE;
    start(Duration.ofMillis(50), quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);

    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> stream.received(STATS).isEmpty());

    stream.send(snapshot(7, "nonce-7"));

    await().atMost(Duration.ofSeconds(5)).until(() -> stream.received(STATS).size() >= 3);
    for (ProxyMessage m : stream.received(STATS)) {
      StatsReport report = m.getStats();
      assertThat(report.getConfigVersion()).isEqualTo(7);
      assertThat(report.getBackendsList()).isEqualTo(STATS_FIXTURE);
      assertThat(Instant.ofEpochSecond(report.getTime().getSeconds(), report.getTime().getNanos()))
          .isEqualTo(NOW);
    }
  }

  @Test
  void reconnectsAndSaysHelloAgainWhenTheControlPlaneEndsTheStream() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream first = awaitStream(0);
    first.send(snapshot(7, "nonce-7"));
    await().until(() -> first.received(ACK).size() == 1);

    first.end();

    FakeProxyService.Stream second = awaitStream(1);
    await().until(() -> !second.received.isEmpty());
    assertThat(second.received.get(0).getKindCase()).isEqualTo(HELLO);
    assertThat(second.received.get(0).getHello().getConfigVersion())
        .as("the version it still serves")
        .isEqualTo(7);
  }

  @Test
  void reconnectsWhenTheStreamFails() {
    start(NO_STATS_YET, quickBackoff());
    FakeProxyService.Stream first = awaitStream(0);

    first.fail(Status.UNAVAILABLE.withDescription("control plane restarting").asException());

    FakeProxyService.Stream second = awaitStream(1);
    await().until(() -> second.received(HELLO).size() == 1);
  }

  @Test
  void keepsRetryingUntilTheControlPlaneIsUp() throws Exception {
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server = null;
    start(NO_STATS_YET, quickBackoff());

    server = startServer();

    FakeProxyService.Stream stream = awaitStream(0);
    await().until(() -> stream.received(HELLO).size() == 1);
    stream.send(snapshot(3, "nonce-3"));
    await().until(() -> stream.received(ACK).size() == 1);
  }

  @Test
  void closeIsIdempotentEndsTheStreamAndStopsReconnecting() {
    start(Duration.ofMillis(50), quickBackoff());
    FakeProxyService.Stream stream = awaitStream(0);
    stream.send(snapshot(7, "nonce-7"));
    await().until(() -> stream.received(STATS).size() >= 1);

    client.close();
    client.close();

    await().until(() -> stream.proxyFinished);
    int reports = stream.received(STATS).size();
    stream.end();
    await()
        .during(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> controlPlane.streams.size() == 1);
    assertThat(stream.received(STATS).size()).as("no reports after close").isEqualTo(reports);
    assertThat(client.isConnected()).isFalse();
  }

  @Test
  void closingWhileWaitingToReconnectMeansTheReconnectNeverHappens() {
    // About a second: ample time to close before it is due.
    start(
        NO_STATS_YET,
        new ReconnectBackoff(
            Duration.ofSeconds(1), Duration.ofSeconds(1), () -> Math.nextDown(1.0)));
    FakeProxyService.Stream stream = awaitStream(0);
    stream.end();
    // The stats timer, and the reconnect waiting its turn.
    await().until(() -> scheduler.getQueue().size() == 2);

    client.close();

    // The reconnect comes due and runs, and finds the client closed.
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getCompletedTaskCount() == 1);
    assertThat(controlPlane.streams).hasSize(1);
  }

  private void start(Duration statsInterval, ReconnectBackoff backoff) {
    client =
        new ControlPlaneClient(
            channel,
            "in-process:" + serverName,
            PROXY_HELLO,
            applier,
            scheduler,
            statsInterval,
            backoff,
            Clock.fixed(NOW, ZoneOffset.UTC));
    client.start();
  }

  private Server startServer() throws IOException {
    return InProcessServerBuilder.forName(serverName)
        .directExecutor()
        .addService(controlPlane)
        .build()
        .start();
  }

  private FakeProxyService.Stream awaitStream(int i) {
    await().until(() -> controlPlane.streams.size() > i);
    return controlPlane.stream(i);
  }

  private static ReconnectBackoff quickBackoff() {
    return new ReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(20), () -> 0.5);
  }

  private static ControlMessage snapshot(long version, String nonce) {
    return ControlMessage.newBuilder()
        .setSnapshot(ConfigSnapshot.newBuilder().setVersion(version).setNonce(nonce))
        .build();
  }
}
