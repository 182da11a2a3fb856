package dev.weir.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureChannelCredentials;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientCredentialsTest {
  private static final ClientCredentials.File NO_CA = new ClientCredentials.File(null, "--tls-ca");
  private static final ClientCredentials.File NO_CERT =
      new ClientCredentials.File(null, "--tls-cert");
  private static final ClientCredentials.File NO_KEY =
      new ClientCredentials.File(null, "--tls-key");

  @TempDir Path dir;

  @Test
  void withoutACaOrACertificateTheChannelIsPlaintext() throws Exception {
    assertThat(ClientCredentials.create(NO_CA, NO_CERT, NO_KEY))
        .isInstanceOf(InsecureChannelCredentials.class);
  }

  @Test
  void aCertificateWithoutItsKeyIsRefusedNamingBothFlags() throws Exception {
    ClientCredentials.File cert =
        new ClientCredentials.File(Files.writeString(dir.resolve("c.pem"), "x"), "--replica-cert");

    assertThatThrownBy(
            () ->
                ClientCredentials.create(
                    NO_CA, cert, new ClientCredentials.File(null, "--replica-key")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--replica-cert and --replica-key go together; give both");
  }

  @Test
  void aMissingFileIsNamedWithWhereItWasGiven() {
    Path nowhere = dir.resolve("nowhere.pem");

    assertThatThrownBy(
            () ->
                ClientCredentials.create(
                    new ClientCredentials.File(nowhere, "$WEIR_TLS_CA"), NO_CERT, NO_KEY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("$WEIR_TLS_CA " + nowhere + ": no such readable file");
  }

  @Test
  void aCaOrACertificateMakesTheChannelTls() throws Exception {
    Path ca = Files.writeString(dir.resolve("ca.pem"), "read now, parsed at the handshake");
    Path cert = Files.writeString(dir.resolve("c.pem"), "x");
    Path key = Files.writeString(dir.resolve("k.pem"), "x");

    assertThat(
            ClientCredentials.create(new ClientCredentials.File(ca, "--tls-ca"), NO_CERT, NO_KEY))
        .isInstanceOf(TlsChannelCredentials.class);
    assertThat(
            ClientCredentials.create(
                NO_CA,
                new ClientCredentials.File(cert, "--tls-cert"),
                new ClientCredentials.File(key, "--tls-key")))
        .isInstanceOf(TlsChannelCredentials.class);
  }
}
