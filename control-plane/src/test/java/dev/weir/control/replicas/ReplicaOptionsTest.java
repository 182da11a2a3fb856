package dev.weir.control.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.control.security.SecurityOptions;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The --replica-* flags: wrong combinations are refused naming the flag, before anything runs. */
class ReplicaOptionsTest {
  @TempDir Path dir;

  @Test
  void withoutTlsReplicasCallEachOtherInPlaintext() throws Exception {
    assertThat(new ReplicaOptions().credentials(new SecurityOptions()))
        .isInstanceOf(InsecureChannelCredentials.class);
  }

  @Test
  void aCertificateWithoutItsKeyIsRefused() throws Exception {
    ReplicaOptions options = new ReplicaOptions();
    options.certificate = Files.writeString(dir.resolve("cp.crt"), "x");

    assertThatThrownBy(() -> options.credentials(new SecurityOptions()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--replica-cert and --replica-key go together; give both");
  }

  @Test
  void replicaCredentialsWithoutTlsAreRefusedRatherThanSentInPlaintext() throws Exception {
    ReplicaOptions options = new ReplicaOptions();
    options.tokenFile = Files.writeString(dir.resolve("token"), "secret");

    assertThatThrownBy(() -> options.credentials(new SecurityOptions()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--replica-cert, --replica-ca and --replica-token-file need TLS");
  }

  @Test
  void aMissingFileIsNamedWithItsFlag() {
    ReplicaOptions options = new ReplicaOptions();
    options.ca = dir.resolve("nowhere.pem");
    SecurityOptions tls =
        new SecurityOptions(dir.resolve("server.crt"), dir.resolve("server.key"), null, null);

    assertThatThrownBy(() -> options.credentials(tls))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--replica-ca " + dir.resolve("nowhere.pem") + ": no such readable file");
  }
}
