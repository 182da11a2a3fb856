package dev.weir.control.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.InsecureServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags that cannot work together stop the start, naming them; the rest choose the mode. */
class ServerSecurityTest {

  @TempDir static Path dir;
  private static TestPki pki;
  private static TestPki.Issued server;

  @BeforeAll
  static void certificates() throws IOException {
    pki = TestPki.create(dir.resolve("pki"), "server-security-test-ca");
    server = pki.server("control");
  }

  @Test
  void withoutFlagsItIsPlaintextWithoutChecks() throws IOException {
    ServerSecurity security = ServerSecurity.from(new SecurityOptions());

    assertThat(security.credentials()).isInstanceOf(InsecureServerCredentials.class);
  }

  @Test
  void clientCertificatesAreRequiredUnlessTheAuthFileAlsoListsTokens() throws IOException {
    Path certsOnly = Files.write(dir.resolve("certs-only"), List.of("proxy e cert:edge-*"));
    Path withTokens =
        Files.write(
            dir.resolve("with-tokens"),
            List.of("proxy e cert:edge-*", "viewer v token-sha256:" + "ab".repeat(32)));

    assertThat(clientAuth(certsOnly)).isEqualTo(TlsServerCredentials.ClientAuth.REQUIRE);
    assertThat(clientAuth(withTokens)).isEqualTo(TlsServerCredentials.ClientAuth.OPTIONAL);
  }

  @Test
  void combinationsThatCannotWorkAreRefusedNamingTheFlags() throws IOException {
    Path certs = Files.write(dir.resolve("certs"), List.of("admin a cert:ops"));
    Path empty = Files.write(dir.resolve("empty"), List.of("# nobody yet"));

    assertThatThrownBy(
            () -> ServerSecurity.from(new SecurityOptions(server.certFile(), null, null, null)))
        .hasMessage("--tls-cert and --tls-key go together; give both");
    assertThatThrownBy(
            () -> ServerSecurity.from(new SecurityOptions(null, null, pki.caFile(), null)))
        .hasMessageStartingWith("--tls-ca verifies client certificates, which needs TLS");
    assertThatThrownBy(
            () ->
                ServerSecurity.from(
                    new SecurityOptions(server.certFile(), server.keyFile(), null, certs)))
        .hasMessageContaining("lists cert: callers, which needs --tls-ca");
    assertThatThrownBy(() -> ServerSecurity.from(new SecurityOptions(null, null, null, empty)))
        .hasMessageContaining("lists no callers");
    assertThatThrownBy(
            () ->
                ServerSecurity.from(
                    new SecurityOptions(dir.resolve("absent.crt"), server.keyFile(), null, null)))
        .hasMessageContaining("--tls-cert " + dir.resolve("absent.crt") + ": no such file");
  }

  @Test
  void listeningBeyondLoopbackWithoutTlsIsLoudlyLogged() throws IOException {
    ServerSecurity plaintext = ServerSecurity.from(new SecurityOptions());

    String local =
        logOf(() -> plaintext.report("admin API", new InetSocketAddress("127.0.0.1", 9900)));
    String exposed =
        logOf(() -> plaintext.report("proxy API", new InetSocketAddress("0.0.0.0", 9901)));

    // Tests log at WARN and above (simplelogger.properties): the loopback summary is INFO.
    assertThat(local).doesNotContain("WARN");
    assertThat(exposed)
        .contains("WARN", "proxy API listens on 0.0.0.0 WITHOUT TLS", "WITHOUT an --auth-file");
  }

  private static TlsServerCredentials.ClientAuth clientAuth(Path authFile) throws IOException {
    ServerSecurity security =
        ServerSecurity.from(
            new SecurityOptions(server.certFile(), server.keyFile(), pki.caFile(), authFile));
    return ((TlsServerCredentials) security.credentials()).getClientAuth();
  }

  private static String logOf(Runnable action) {
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(stderr);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }
}
