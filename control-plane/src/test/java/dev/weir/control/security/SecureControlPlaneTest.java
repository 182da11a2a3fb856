package dev.weir.control.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.auth.BearerToken;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.control.ControlPlane;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane on a real TLS port with an auth file: who can connect at all, and which caller
 * may call what.
 */
class SecureControlPlaneTest {

  private static final String ADMIN_TOKEN = "admin-token-6f1c2b9a";
  private static final String VIEWER_TOKEN = "viewer-token-93ad77e0";

  @TempDir static Path certs;
  private static TestPki pki;
  private static TestPki rogue;
  private static TestPki.Issued server;
  private static TestPki.Issued alice;
  private static TestPki.Issued edge;
  private static TestPki.Issued rogueEdge;

  @TempDir Path dir;
  private ControlPlane plane;
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void issueCertificates() throws IOException {
    pki = TestPki.create(certs.resolve("pki"), "weir-test-ca");
    rogue = TestPki.create(certs.resolve("rogue"), "rogue-ca");
    server = pki.server("control");
    alice = pki.client("ops-alice");
    edge = pki.client("edge-1");
    rogueEdge = rogue.client("edge-1");
  }

  @AfterEach
  void stop() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void aPlaintextClientCannotTalkToATlsPort() throws Exception {
    int port = start(true);

    assertThatThrownBy(
            () ->
                admin(channel(port, InsecureChannelCredentials.create()))
                    .listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aClientTrustingAnotherCaRefusesTheServer() throws Exception {
    int port = start(true);
    ChannelCredentials wrongCa =
        TlsChannelCredentials.newBuilder()
            .trustManager(rogue.caFile().toFile())
            .keyManager(alice.certFile().toFile(), alice.keyFile().toFile())
            .build();

    assertThatThrownBy(
            () -> admin(channel(port, wrongCa)).listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void aProxyWithoutACertificateTheControlPlaneTrustsCannotConnect() throws Exception {
    int port = start(false);

    assertThat(proxyConnect(channel(port, tls(null))).getCode())
        .as("no client certificate")
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(proxyConnect(channel(port, tls(rogueEdge))).getCode())
        .as("same CN, another CA")
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(proxyConnect(channel(port, tls(edge))).isOk())
        .as("a certificate from --tls-ca gets its snapshot")
        .isTrue();
  }

  @Test
  void aProxyCertificateCannotClaimAnotherProxysId() throws Exception {
    int port = start(false);

    Status posing = proxyConnect(channel(port, tls(edge)), "edge-2");

    assertThat(posing.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(posing.getDescription()).contains("\"edge-2\"", "edge-1", "--id");
    assertThat(proxyConnect(channel(port, tls(edge)), "edge-1").isOk()).isTrue();
  }

  @Test
  void aProxyCertificateCannotCallAdminService() throws Exception {
    int port = start(false);

    assertThatThrownBy(
            () -> admin(channel(port, tls(edge))).listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .contains("edges", "proxy", "weir.v1.AdminService/ListPools", "admin or viewer");
            });
  }

  @Test
  void anAdminCertificateChangesPoolsAndIsTheRevisionsActor() throws Exception {
    int port = start(false);
    AdminServiceBlockingStub admin = admin(channel(port, tls(alice)));

    admin.createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());

    assertThat(admin.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsCount()).isOne();
    assertThat(
            admin
                .listRevisions(ListRevisionsRequest.getDefaultInstance())
                .getRevisions(0)
                .getActor())
        .startsWith("alice (admin, cert) (127.0.0.1:");
  }

  @Test
  void anAdminCannotUseProxyService() throws Exception {
    int port = start(false);

    assertThat(proxyConnect(channel(port, tls(alice))).getCode())
        .isEqualTo(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void aViewerReadsButCannotChangeAnything() throws Exception {
    int port = start(true);
    AdminServiceBlockingStub viewer =
        admin(channel(port, tls(null))).withCallCredentials(token(VIEWER_TOKEN));

    assertThat(viewer.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsCount()).isZero();
    assertThatThrownBy(
            () ->
                viewer.createPool(
                    CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "caller grafana has role viewer; weir.v1.AdminService/CreatePool "
                          + "needs admin");
            });
    AdminServiceBlockingStub robot =
        admin(channel(port, tls(null))).withCallCredentials(token(ADMIN_TOKEN));
    robot.createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    assertThat(viewer.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsCount()).isOne();
    assertThat(viewer.exportConfig(ExportConfigRequest.getDefaultInstance()).getPoolsCount())
        .isOne();
    assertThatThrownBy(() -> viewer.importConfig(ImportConfigRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
    assertThat(viewer.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsCount()).isOne();
  }

  @Test
  void aViewerListsConnectionsButOnlyAnAdminClosesOne() throws Exception {
    int port = start(true);
    AdminServiceBlockingStub viewer =
        admin(channel(port, tls(null))).withCallCredentials(token(VIEWER_TOKEN));
    AdminServiceBlockingStub robot =
        admin(channel(port, tls(null))).withCallCredentials(token(ADMIN_TOKEN));
    CloseConnectionRequest close = CloseConnectionRequest.newBuilder().setId("edge-1/1000").build();

    assertThat(
            viewer
                .listConnections(ListConnectionsRequest.getDefaultInstance())
                .getConnectionsCount())
        .isZero();
    assertThatThrownBy(() -> viewer.closeConnection(close))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e ->
                assertThat(e.getStatus().getDescription())
                    .isEqualTo(
                        "caller grafana has role viewer; weir.v1.AdminService/CloseConnection "
                            + "needs admin"));
    // The admin gets past the role check, to the fact that no such proxy is connected.
    assertThatThrownBy(() -> robot.closeConnection(close))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void callersWithAnUnknownTokenOrNoCredentialsAreUnauthenticated() throws Exception {
    int port = start(true);
    AdminServiceBlockingStub anonymous = admin(channel(port, tls(null)));

    assertThatThrownBy(
            () ->
                anonymous
                    .withCallCredentials(token("not-a-known-token"))
                    .listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).isEqualTo("unknown bearer token");
            });
    assertThatThrownBy(() -> anonymous.listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThat(
            HealthGrpc.newBlockingStub(channel(port, tls(null)))
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .as("health probes need no credentials")
        .isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void refusalsAreLoggedWithoutTheToken() throws Exception {
    int port = start(true);
    AdminServiceBlockingStub anonymous = admin(channel(port, tls(null)));
    String unknown = "secret-unknown-token-41c7";
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    // slf4j-simple writes to whatever System.err is at the time of each log line.
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThatThrownBy(
              () ->
                  anonymous
                      .withCallCredentials(token(unknown))
                      .listPools(ListPoolsRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class);
      assertThatThrownBy(
              () ->
                  anonymous
                      .withCallCredentials(token(VIEWER_TOKEN))
                      .createPool(
                          CreatePoolRequest.newBuilder().setName("web").setListen(":80").build()))
          .isInstanceOf(StatusRuntimeException.class);
    } finally {
      System.setErr(stderr);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains(
            "refused weir.v1.AdminService/ListPools from 127.0.0.1:",
            "UNAUTHENTICATED: unknown bearer token")
        .contains(
            "refused weir.v1.AdminService/CreatePool",
            "PERMISSION_DENIED",
            "caller grafana has role viewer")
        .doesNotContain(unknown)
        .doesNotContain(VIEWER_TOKEN);
  }

  @Test
  void separateAdminAndProxyListenersEachServeOnlyTheirService() throws Exception {
    ServerSecurity security = ServerSecurity.from(options(false));
    plane =
        new ControlPlane(dir.resolve("data"), serverBuilder(security), Clock.systemUTC())
            .proxyServer(serverBuilder(security))
            .start();
    assertThat(plane.proxyPort()).isNotEqualTo(plane.port());

    assertThat(proxyConnect(channel(plane.proxyPort(), tls(edge))).isOk()).isTrue();
    assertThat(proxyConnect(channel(plane.port(), tls(edge))).getCode())
        .isEqualTo(Status.Code.UNIMPLEMENTED);
    assertThatThrownBy(
            () ->
                admin(channel(plane.proxyPort(), tls(alice)))
                    .listPools(ListPoolsRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
    assertThat(
            admin(channel(plane.port(), tls(alice)))
                .listPools(ListPoolsRequest.getDefaultInstance())
                .getPoolsCount())
        .isZero();
  }

  /** Starts a control plane with mutual TLS; with tokens in its auth file if {@code tokens}. */
  private int start(boolean tokens) throws IOException {
    ServerSecurity security = ServerSecurity.from(options(tokens));
    plane =
        new ControlPlane(dir.resolve("data"), serverBuilder(security), Clock.systemUTC()).start();
    return plane.port();
  }

  private SecurityOptions options(boolean tokens) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(
                "# role  name  credential",
                "admin   alice  cert:ops-alice",
                "proxy   edges  cert:edge-*"));
    if (tokens) {
      lines.add("viewer grafana token-sha256:" + sha256(VIEWER_TOKEN));
      lines.add("admin robot token-sha256:" + sha256(ADMIN_TOKEN));
    }
    Path authFile = Files.write(dir.resolve("auth"), lines);
    return new SecurityOptions(server.certFile(), server.keyFile(), pki.caFile(), authFile);
  }

  private static NettyServerBuilder serverBuilder(ServerSecurity security) {
    return security.secure(
        NettyServerBuilder.forAddress(
            new InetSocketAddress("127.0.0.1", 0), security.credentials()));
  }

  private static ChannelCredentials tls(TestPki.Issued client) throws IOException {
    TlsChannelCredentials.Builder builder =
        TlsChannelCredentials.newBuilder().trustManager(pki.caFile().toFile());
    if (client != null) {
      builder.keyManager(client.certFile().toFile(), client.keyFile().toFile());
    }
    return builder.build();
  }

  private ManagedChannel channel(int port, ChannelCredentials credentials) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port, credentials).build();
    channels.add(channel);
    return channel;
  }

  private static AdminServiceBlockingStub admin(ManagedChannel channel) {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static BearerToken token(String token) {
    return BearerToken.of(token, "test");
  }

  /** Opens ProxyService.Connect: OK once a snapshot arrives, else the status it failed with. */
  private static Status proxyConnect(ManagedChannel channel) throws Exception {
    return proxyConnect(channel, "edge-1");
  }

  private static Status proxyConnect(ManagedChannel channel, String id) throws Exception {
    CompletableFuture<Status> outcome = new CompletableFuture<>();
    StreamObserver<ProxyMessage> requests =
        ProxyServiceGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .connect(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ControlMessage message) {
                    outcome.complete(Status.OK);
                  }

                  @Override
                  public void onError(Throwable t) {
                    outcome.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    outcome.complete(Status.UNKNOWN.withDescription("ended without a snapshot"));
                  }
                });
    requests.onNext(
        ProxyMessage.newBuilder()
            .setHello(Hello.newBuilder().setProxyId(id).setHostname("test").setVersion("t"))
            .build());
    Status status = outcome.get(15, TimeUnit.SECONDS);
    requests.onError(Status.CANCELLED.asRuntimeException());
    return status;
  }

  private static String sha256(String token) {
    return HexFormat.of().formatHex(AuthFile.sha256(token));
  }
}
