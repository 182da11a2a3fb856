package dev.weir.control.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Pool;
import dev.weir.control.security.TestPki;
import dev.weir.control.testing.EtcdServer;
import dev.weir.control.testing.InProcessControlPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A control plane storing its configuration in a real etcd that serves clients over TLS and admits
 * only those showing a certificate its CA issued ({@code --client-cert-auth}).
 */
class EtcdTlsTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path pkiDir;
  private static TestPki pki;
  private static EtcdServer etcd;

  @TempDir Path dir;

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

  @Test
  void theConfigurationIsStoredAndReadOverMutualTls() throws Exception {
    TestPki.Issued client = pki.client("weir-control");
    StoreSpec store = spec(EtcdTls.read(pki.caFile(), client.certFile(), client.keyFile()));

    try (InProcessControlPlane first = new InProcessControlPlane(dir.resolve("first"), store)) {
      first
          .admin()
          .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    }
    // A fresh control plane has only etcd to learn the pool from.
    try (InProcessControlPlane second = new InProcessControlPlane(dir.resolve("second"), store)) {
      assertThat(second.listPools().getPoolsList()).extracting(Pool::getName).contains("web");
    }
  }

  @Test
  void theStoreSaysItIsReachedOverTlsAndWithWhichFiles() throws Exception {
    TestPki.Issued client = pki.client("weir-control");
    StoreSpec store = spec(EtcdTls.read(pki.caFile(), client.certFile(), client.keyFile()));

    try (StoreBackend backend = store.open(dir)) {
      assertThat(backend.location())
          .isEqualTo(
              "etcd "
                  + etcd.endpoint()
                  + " under /tls/"
                  + " over TLS (etcd's certificate checked against "
                  + pki.caFile()
                  + ", client certificate "
                  + client.certFile()
                  + ")");
    }
  }

  @Test
  void withoutAClientCertificateEtcdRefusesAndOpeningSaysWhyAndWhere() {
    StoreSpec store = spec(EtcdTls.read(pki.caFile(), null, null));

    assertThatThrownBy(() -> store.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("etcd at " + etcd.endpoint())
        .hasMessageContaining("TLS with " + etcd.endpoint() + " fails: ")
        .hasMessageContaining("bad_certificate")
        .hasMessageContaining("give --etcd-cert and --etcd-key");
  }

  @Test
  void anEtcdCertificateFromAnotherCaIsNotTrusted() throws Exception {
    TestPki other = TestPki.create(dir, "other-ca");
    TestPki.Issued client = pki.client("weir-control");
    StoreSpec store = spec(EtcdTls.read(other.caFile(), client.certFile(), client.keyFile()));

    assertThatThrownBy(() -> store.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("etcd at " + etcd.endpoint())
        .hasMessageContaining("TLS with " + etcd.endpoint() + " fails: ")
        .hasMessageContaining("unable to find valid certification path")
        .hasMessageContaining("--etcd-ca must name the CA that signed etcd's certificate");
  }

  @Test
  void aKeyThatIsNotPemIsRefusedNamingBothFlags() throws Exception {
    TestPki.Issued client = pki.client("weir-control");

    assertThatThrownBy(() -> EtcdTls.read(pki.caFile(), client.certFile(), client.certFile()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--etcd-cert " + client.certFile())
        .hasMessageContaining("--etcd-key " + client.certFile())
        .hasMessageContaining("not a PEM certificate chain and PKCS#8 key");
  }

  private static StoreSpec spec(EtcdTls tls) {
    return EtcdStoreBackend.spec(
        new EtcdStoreBackend.Settings(
            List.of(etcd.endpoint()),
            "/tls/",
            TIMEOUT,
            Duration.ofSeconds(2),
            Duration.ofMinutes(1),
            100,
            tls));
  }
}
