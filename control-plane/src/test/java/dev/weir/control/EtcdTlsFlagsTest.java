package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.control.security.TestPki;
import dev.weir.control.testing.EtcdServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** weir-control's --etcd-ca, --etcd-cert and --etcd-key against a real etcd serving TLS only. */
class EtcdTlsFlagsTest {
  @TempDir static Path pkiDir;
  private static TestPki pki;
  private static EtcdServer etcd;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dataDir;
  private ControlPlane plane;
  private ManagedChannel channel;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.startTls(pkiDir);
    pki = etcd.pki();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void theFlagsConnectOverMutualTlsAndAPoolIsStoredInEtcd() throws Exception {
    TestPki.Issued client = pki.client("weir-control");
    WeirControl command = new WeirControl(print(out), print(err));
    WeirControl.commandLine(command)
        .parseArgs(
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dataDir.toString(),
            "--store",
            "etcd",
            "--etcd-endpoints",
            etcd.endpoint().toString(),
            "--etcd-prefix",
            "/flags/",
            "--etcd-ca",
            pki.caFile().toString(),
            "--etcd-cert",
            client.certFile().toString(),
            "--etcd-key",
            client.keyFile().toString());

    plane = command.start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.port()).usePlaintext().build();
    AdminServiceGrpc.AdminServiceBlockingStub admin = AdminServiceGrpc.newBlockingStub(channel);
    admin.createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());

    assertThat(admin.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList())
        .extracting(Pool::getName)
        .containsExactly("web");
  }

  @Test
  void withoutTheClientCertificateTheStartStopsWithOneLineSayingWhy() {
    int code =
        WeirControl.execute(
            new String[] {
              "--listen",
              "127.0.0.1:0",
              "--data-dir",
              dataDir.toString(),
              "--store",
              "etcd",
              "--etcd-endpoints",
              etcd.endpoint().toString(),
              "--etcd-ca",
              pki.caFile().toString()
            },
            print(out),
            print(err));

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith(
            "weir-control: cannot start: cannot read the configuration: etcd at " + etcd.endpoint())
        .contains("TLS with " + etcd.endpoint() + " fails: ", "bad_certificate")
        .hasLineCount(1);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
