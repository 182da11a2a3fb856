package dev.weir.control.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.ConfigApplied;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.ControlPlane;
import dev.weir.control.testing.RawBytes;
import dev.weir.control.testing.TestProxy;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy that lies or floods. A stream's messages carry no proxy id (its Hello names it), so a
 * proxy can only misreport about itself; the control plane keeps what can be true, drops the rest
 * entry by entry, and never lets it change the configuration.
 */
class HostileProxyInputTest {
  @TempDir Path dataDir;
  private ControlPlane plane;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    plane =
        new ControlPlane(
                dataDir,
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                Clock.systemUTC())
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.port()).usePlaintext().build();
    admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .addBackends(Backend.newBuilder().setAddress("10.0.0.2:80"))
                .build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
    plane.close();
  }

  @Test
  void aStatsReportOverTheMessageLimitEndsOnlyThatStreamWithResourceExhausted() {
    TestProxy flooder = new TestProxy(channel).hello("flooder");
    TestProxy honest = new TestProxy(channel).hello("honest");
    await().until(() -> flooder.latest() != null && honest.latest() != null);
    ListPoolsResponse before = config();

    flooder.stats(
        StatsReport.newBuilder()
            .addBackends(
                BackendStats.newBuilder()
                    .setPool("web")
                    .setAddress("x".repeat(ControlPlane.MAX_INBOUND_MESSAGE_BYTES)))
            .build());

    await().until(() -> flooder.closedWith() != null);
    // The server ends the call with RESOURCE_EXHAUSTED and resets the stream it is still
    // receiving on; the client sees whichever of the two reaches it first.
    assertThat(flooder.closedWith().getCode())
        .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);
    assertThat(honest.closedWith()).isNull();
    assertThat(config()).isEqualTo(before);
    await().until(() -> !proxy("flooder").getConnected());
    assertThat(proxy("honest").getConnected()).isTrue();
  }

  @Test
  void entriesWithCountersOf2To63OrMoreAreDroppedAndTheRestOfTheReportCounts() {
    TestProxy liar = new TestProxy(channel).hello("liar");
    await().until(() -> liar.latest() != null);

    liar.stats(
        StatsReport.newBuilder()
            // 2^64 - 1 on the wire: -1 as a Java long, which would cancel a real connection out.
            .addBackends(backend("10.0.0.1:80", 3).toBuilder().setActiveConnections(-1))
            .addBackends(backend("10.0.0.2:80", 5))
            .addListeners(
                ListenerStats.newBuilder()
                    .setPool("web")
                    .setAddress("0.0.0.0:8080")
                    .setActiveConnections(Long.MIN_VALUE))
            .build());

    await().until(() -> status().getBackends(1).getActiveConnections() == 5);
    PoolStatus status = status();
    assertThat(status.getBackends(0).getActiveConnections()).isZero();
    assertThat(status.getBackends(0).getHealthyProxies()).isZero();
    assertThat(status.getBackends(1).getHealthyProxies()).isEqualTo(1);
    assertThat(totalActive(status)).isEqualTo(5);
  }

  @Test
  void aBackendListedTwiceInOneReportCountsOnce() {
    TestProxy liar = new TestProxy(channel).hello("liar");
    await().until(() -> liar.latest() != null);

    liar.stats(
        StatsReport.newBuilder()
            .addBackends(backend("10.0.0.1:80", 4))
            .addBackends(backend("10.0.0.1:80", 4_000_000))
            .build());

    await().until(() -> status().getBackends(0).getActiveConnections() == 4);
    assertThat(totalActive(status())).isEqualTo(4);
  }

  @Test
  void statsForPoolsAndBackendsThatDoNotExistChangeNeitherTheConfigNorTheView() {
    TestProxy liar = new TestProxy(channel).hello("liar");
    await().until(() -> liar.latest() != null);
    ListPoolsResponse before = config();

    liar.stats(
        StatsReport.newBuilder()
            .addBackends(backend("10.0.0.1:80", 2))
            .addBackends(backend("10.9.9.9:80", 100))
            .addBackends(backend("10.0.0.2:80", 100).toBuilder().setPool("no-such-pool"))
            .build());

    await().until(() -> status().getBackends(0).getActiveConnections() == 2);
    assertThat(status().getBackendsList())
        .extracting(BackendStatus::getAddress)
        .containsExactly("10.0.0.1:80", "10.0.0.2:80");
    assertThat(totalActive(status())).isEqualTo(2);
    assertThat(config()).isEqualTo(before);
    assertThat(config().getPoolsList()).extracting("name").containsExactly("web");
  }

  @Test
  void anAppliedForAVersionOrNonceNeverSentIsIgnored() {
    TestProxy liar = new TestProxy(channel).hello("liar");
    await().until(() -> liar.latest() != null);
    ConfigSnapshot sent = liar.latest();

    liar.send(applied(sent.getVersion() + 1000, sent.getNonce()));
    liar.send(applied(sent.getVersion(), "another proxy's nonce"));
    liar.send(applied(-1, ""));
    // A message after them, answered in order: once its ACK shows, the lies were processed.
    liar.ack(sent);

    await().until(() -> proxy("liar").getLastAckedVersion() == sent.getVersion());
    assertThat(proxy("liar").getLastAppliedVersion()).isZero();
    assertThat(liar.closedWith()).isNull();
  }

  @Test
  void aSecondHelloOnAStreamEndsItAndLeavesTheFirstIdentity() {
    TestProxy proxy = new TestProxy(channel).hello("edge-1");
    await().until(() -> proxy.latest() != null);

    proxy.hello("edge-2");

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(proxies()).extracting(ProxyInfo::getId).containsExactly("edge-1");
  }

  @Test
  void statsBeforeHelloEndTheStreamAndAreNotKept() {
    TestProxy proxy = new TestProxy(channel);

    proxy.stats(StatsReport.newBuilder().addBackends(backend("10.0.0.1:80", 9)).build());

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(proxy.closedWith().getDescription()).contains("the first message must be hello");
    assertThat(proxies()).isEmpty();
    assertThat(totalActive(status())).isZero();
  }

  @Test
  void aHelloWhoseIdIsNotUtf8EndsTheStreamAsInvalidArgumentAndLeavesNoProxy() throws Exception {
    // ProxyMessage{hello{proxy_id: "p\xffx"}}: field 1 holding field 1, 3 bytes.
    byte[] hello = {0x0a, 5, 0x0a, 3, 'p', (byte) 0xff, 'x'};
    MethodDescriptor<byte[], byte[]> connect =
        ProxyServiceGrpc.getConnectMethod().toBuilder(RawBytes.INSTANCE, RawBytes.INSTANCE).build();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<byte[]> requests =
        ClientCalls.asyncBidiStreamingCall(
            channel.newCall(connect, CallOptions.DEFAULT),
            new StreamObserver<>() {
              @Override
              public void onNext(byte[] message) {}

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });

    requests.onNext(hello);

    Status status = ended.get(30, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription())
        .contains("the request is not a well-formed weir.v1.ProxyMessage", "UTF-8");
    assertThat(proxies()).isEmpty();
    // The service is still there for an honest proxy.
    TestProxy honest = new TestProxy(channel).hello("honest");
    await().until(() -> honest.latest() != null);
    assertThat(proxies()).extracting(ProxyInfo::getId).containsExactly("honest");
  }

  private static ProxyMessage applied(long version, String nonce) {
    return ProxyMessage.newBuilder()
        .setApplied(ConfigApplied.newBuilder().setVersion(version).setNonce(nonce))
        .build();
  }

  private static BackendStats backend(String address, long active) {
    return BackendStats.newBuilder()
        .setPool("web")
        .setAddress(address)
        .setActiveConnections(active)
        .setHealth(BackendHealth.HEALTHY)
        .build();
  }

  private ListPoolsResponse config() {
    return admin().listPools(ListPoolsRequest.getDefaultInstance());
  }

  private static long totalActive(PoolStatus status) {
    return status.getBackendsList().stream().mapToLong(BackendStatus::getActiveConnections).sum();
  }

  private PoolStatus status() {
    return admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build());
  }

  private ProxyInfo proxy(String id) {
    return proxies().stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
  }

  private java.util.List<ProxyInfo> proxies() {
    return admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }
}
