package dev.weir.control.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.control.ControlPlane;
import dev.weir.control.ha.StoreSpec;
import dev.weir.control.security.SecurityOptions;
import dev.weir.control.security.ServerSecurity;
import dev.weir.control.security.TestPki;
import dev.weir.control.testing.EtcdServer;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas serving mutual TLS with an auth file follow each other only as callers with the replica
 * role, over TLS.
 */
class SecureReplicasTest {
  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static EtcdServer etcd;
  private static int prefixes;
  @TempDir static Path certs;
  private static TestPki pki;
  private static TestPki.Issued server;
  private static TestPki.Issued alice;

  @TempDir Path dir;
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdServer.start();
    pki = TestPki.create(certs.resolve("pki"), "weir-test-ca");
    server = pki.server("control");
    alice = pki.client("ops-alice");
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void replicasWithReplicaCertificatesFollowEachOther() throws Exception {
    StoreSpec shared = shared();
    ControlPlane first = replica(shared, "cp-1", pki.client("cp-1"));
    ControlPlane second = replica(shared, "cp-2", pki.client("cp-2"));

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(coverage(first).getReplicasList())
                  .containsExactlyInAnyOrder("cp-1", "cp-2");
              assertThat(coverage(second).getReplicasList())
                  .containsExactlyInAnyOrder("cp-1", "cp-2");
            });
  }

  @Test
  void aReplicaPresentingACertificateWithoutTheReplicaRoleIsRefusedAndNamedMissing()
      throws Exception {
    StoreSpec shared = shared();
    ControlPlane first = replica(shared, "cp-1", pki.client("cp-1"));
    // An admin's certificate is a valid caller, but not a replica.
    ControlPlane posing = replica(shared, "cp-2", alice);

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              FleetCoverage coverage = coverage(posing);
              assertThat(coverage.getReplicasList()).containsExactly("cp-2");
              assertThat(coverage.getMissingList())
                  .singleElement()
                  .satisfies(
                      missing -> {
                        assertThat(missing.getReplicaId()).isEqualTo("cp-1");
                        assertThat(missing.getReason()).contains("PERMISSION_DENIED");
                      });
            });
    // The refused replica's own proxies still show to the other: following goes one way.
    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(coverage(first).getReplicasList())
                    .containsExactlyInAnyOrder("cp-1", "cp-2"));
  }

  private StoreSpec shared() {
    return StoreSpec.etcd(List.of(etcd.endpoint()), "/secure-" + (++prefixes) + "/", null);
  }

  private ControlPlane replica(StoreSpec store, String id, TestPki.Issued as) throws IOException {
    Path authFile =
        Files.write(
            dir.resolve("auth-" + id),
            List.of("admin   alice  cert:ops-alice", "replica cps    cert:cp-*"));
    SecurityOptions security =
        new SecurityOptions(server.certFile(), server.keyFile(), pki.caFile(), authFile);
    ReplicaOptions options = new ReplicaOptions();
    options.certificate = as.certFile();
    options.privateKey = as.keyFile();
    ServerSecurity serverSecurity = ServerSecurity.from(security);
    ControlPlane plane =
        new ControlPlane(
                dir.resolve(id),
                serverSecurity.secure(
                    NettyServerBuilder.forAddress(
                        new InetSocketAddress("127.0.0.1", 0), serverSecurity.credentials())),
                Clock.systemUTC())
            .storage(store)
            .replicas(new ReplicaSettings(id, null, "127.0.0.1", options.credentials(security)));
    opened.add(plane);
    return plane.start();
  }

  private FleetCoverage coverage(ControlPlane plane) throws IOException {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                plane.port(),
                TlsChannelCredentials.newBuilder()
                    .trustManager(pki.caFile().toFile())
                    .keyManager(alice.certFile().toFile(), alice.keyFile().toFile())
                    .build())
            .build();
    try {
      return AdminServiceGrpc.newBlockingStub(channel)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .listProxies(ListProxiesRequest.getDefaultInstance())
          .getCoverage();
    } finally {
      channel.shutdownNow();
    }
  }
}
