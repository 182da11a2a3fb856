package dev.weir.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.proxy.testing.TestCertificates;
import dev.weir.proxy.tls.TlsTerminationConfig.CertificateFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A pool's contexts as its files change, Kubernetes-style symbolic link swaps included. */
class ServerTlsTest {

  @TempDir Path dir;

  @Test
  void aSecretMountWhoseLinkIsSwappedIsReloadedOnce() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "k8s");
    Path v1 = ca.issueWithSubject("v1", "/CN=web v1", "web.example.com");
    Path v2 = ca.issueWithSubject("v2", "/CN=web v2", "web.example.com");
    // As kubelet lays out a secret: tls.crt -> ..data/tls.crt, ..data -> ..2026_v1/
    Path mount = Files.createDirectory(dir.resolve("mount"));
    version(mount, "..v1", v1);
    version(mount, "..v2", v2);
    Files.createSymbolicLink(mount.resolve("..data"), Path.of("..v1"));
    Files.createSymbolicLink(mount.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(mount.resolve("tls.key"), Path.of("..data/tls.key"));
    ServerTls tls =
        ServerTls.load("web", config(mount.resolve("tls.crt"), mount.resolve("tls.key")));
    assertThat(tls.refresh()).as("nothing changed yet").isFalse();

    Path next = Files.createSymbolicLink(mount.resolve("..data_tmp"), Path.of("..v2"));
    Files.move(next, mount.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);

    assertThat(tls.refresh()).isTrue();
    assertThat(tls.refresh()).as("once per change").isFalse();
    assertThat(tls.expiries())
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.notAfter())
                    .isEqualTo(TestCertificates.read(v2).getNotAfter().toInstant()));
    assertThat(tls.reloadFailures()).isZero();
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedNamingTheField() throws Exception {
    TestCertificates ca = new TestCertificates(dir, "edge");
    Path cert = ca.issue("web", "web.example.com");

    assertThatThrownBy(() -> ServerTls.load("web", config(cert, cert)))
        .hasMessageStartingWith(
            "pool web: settings.tls_termination.certificates[0].key_file "
                + cert
                + ": not an unencrypted PEM private key");
  }

  private static void version(Path mount, String name, Path cert) throws Exception {
    Path dir = Files.createDirectory(mount.resolve(name));
    Files.copy(cert, dir.resolve("tls.crt"));
    Files.copy(TestCertificates.keyOf(cert), dir.resolve("tls.key"));
  }

  private static TlsTerminationConfig config(Path cert, Path key) {
    return new TlsTerminationConfig(
        List.of(new CertificateFiles(cert, key)),
        List.of(),
        false,
        null,
        false,
        null,
        Duration.ofSeconds(10));
  }
}
