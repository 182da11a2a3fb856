package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.control.security.TestPki;
import dev.weir.e2e.Fleet.CliResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS mistake between weirctl or weir-proxy and the control plane is reported as what is wrong
 * and the flag that fixes it, not as grpc's "ssl exception" or "io exception".
 */
class TlsErrorsIT {

  private static final Pattern ADMIN_PORT = Pattern.compile("listening on \\S+:(\\d+)");
  private static final Duration START = Duration.ofSeconds(30);
  private static final Instant EXPIRED =
      Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);

  @TempDir Path dir;
  private Fleet fleet;
  private TestPki pki;

  @BeforeEach
  void createPki() throws Exception {
    fleet = new Fleet(dir);
    pki = TestPki.create(dir.resolve("pki"), "weir-tls-ca");
  }

  @AfterEach
  void stopFleet() throws Exception {
    fleet.close();
  }

  @Test
  void plaintextAgainstATlsControlPlaneSuggestsTlsCa() throws Exception {
    int port = startControl(pki.server("control"), true);

    CliResult result = weirctl(port);

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr()).endsWith("(if it serves TLS, add --tls-ca)\n");
  }

  @Test
  void trustingTheWrongCaSaysTheCertificateIsNotSignedByIt() throws Exception {
    int port = startControl(pki.server("control"), false);
    TestPki other = TestPki.create(dir.resolve("other"), "other-ca");

    CliResult result = weirctl(port, "--tls-ca", other.caFile().toString());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr())
        .isEqualTo(
            "error: cannot reach control plane at 127.0.0.1:"
                + port
                + ": the control plane's certificate is not signed by the CA in --tls-ca "
                + other.caFile()
                + "\n");
  }

  @Test
  void noClientCertificateAgainstOneThatRequiresItSaysAddTlsCert() throws Exception {
    int port = startControl(pki.server("control"), true);

    CliResult result = weirctl(port, "--tls-ca", pki.caFile().toString());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("the control plane requires a client certificate: add --tls-cert and --tls-key");
  }

  @Test
  void anExpiredClientCertificateSaysWhenItExpired() throws Exception {
    int port = startControl(pki.server("control"), true);
    TestPki.Issued alice = pki.expiredClient("ops-alice", EXPIRED);

    CliResult result =
        weirctl(
            port,
            "--tls-ca",
            pki.caFile().toString(),
            "--tls-cert",
            alice.certFile().toString(),
            "--tls-key",
            alice.keyFile().toString());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr())
        .contains(
            "the control plane refused the client certificate in "
                + "--tls-cert "
                + alice.certFile()
                + ": it expired on "
                + EXPIRED);
  }

  @Test
  void anExpiredServerCertificateSaysWhichAndWhen() throws Exception {
    int port = startControl(pki.expiredServer("control", EXPIRED), false);

    CliResult result = weirctl(port, "--tls-ca", pki.caFile().toString());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr())
        .contains("the control plane's certificate (CN=control) expired on " + EXPIRED);
  }

  @Test
  void tlsAgainstAPlaintextControlPlaneSaysItDoesNotSpeakTls() throws Exception {
    int port = startControl(null, false);

    CliResult result = weirctl(port, "--tls-ca", pki.caFile().toString());

    assertThat(result.exitCode()).as(result.stderr()).isEqualTo(3);
    assertThat(result.stderr()).contains("it does not speak TLS");
  }

  @Test
  void aProxyTrustingTheWrongCaLogsWhy() throws Exception {
    int port = startControl(pki.server("control"), false);
    TestPki other = TestPki.create(dir.resolve("other"), "other-ca");

    RunningProgram proxy =
        fleet.launch(
            "proxy",
            "weir-proxy",
            List.of(
                "--control-plane",
                "127.0.0.1:" + port,
                "--id",
                "edge-1",
                "--event-loops",
                "1",
                "--bind-address",
                "127.0.0.8",
                "--state-dir",
                dir.resolve("proxy-state").toString(),
                "--tls-ca",
                other.caFile().toString()));

    proxy.awaitLine(
        Pattern.compile(
            Pattern.quote(
                "the control plane's certificate is not signed by the CA in --tls-ca "
                    + other.caFile())),
        START);
  }

  /** Starts weir-control with {@code server}'s certificate (null: plaintext); its admin port. */
  private int startControl(TestPki.Issued server, boolean clientCertificates) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--admin-listen", "127.0.0.1:0", "--data-dir", dir.resolve("control").toString()));
    if (server != null) {
      args.addAll(
          List.of(
              "--tls-cert",
              server.certFile().toString(),
              "--tls-key",
              server.keyFile().toString()));
    }
    if (clientCertificates) {
      args.addAll(List.of("--tls-ca", pki.caFile().toString()));
    }
    RunningProgram control = fleet.launch("control", "weir-control", args);
    return Integer.parseInt(control.awaitLine(ADMIN_PORT, START));
  }

  private CliResult weirctl(int port, String... flags) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("--control-plane", "127.0.0.1:" + port, "--timeout", "10s"));
    args.addAll(List.of(flags));
    args.addAll(List.of("pool", "list"));
    return fleet.weirctlExactly(Map.of(), args);
  }
}
