package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.weir.control.testing.Installed;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS terminated by a real weir-proxy: curl and openssl s_client verify the proxy's certificate
 * (from a test CA), one pool relays plaintext to an HTTP server, another re-encrypts to an openssl
 * s_server it verifies; mTLS with openssl s_client's -cert/-key; a certificate replaced on disk is
 * served to new connections, a broken one is refused while the old one keeps serving, and a config
 * naming a missing file is NACKed with the file and the reason.
 */
class TlsTerminationIT {

  private static final String PROXY = "127.0.0.9";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Fleet fleet;
  private HttpServer plain;
  private final List<RunningProgram> servers = new ArrayList<>();

  @BeforeEach
  void startFleet() throws Exception {
    requireInstalled("openssl", "openssl");
    requireInstalled("curl", "curl");
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy", PROXY);
    plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
    plain.createContext(
        "/",
        exchange -> {
          byte[] body = "plain backend\n".getBytes(StandardCharsets.US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    plain.start();
    openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=weir test CA");
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (RunningProgram server : servers) {
      server.close();
    }
    if (plain != null) {
      plain.stop(0);
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void curlAndOpensslReachPlainAndReEncryptedBackendsThroughTheProxysCertificate()
      throws Exception {
    issue("web", "/CN=web v1", "web.example.com");
    issue("backend", "/CN=backend.internal", "backend.internal");
    int port = Fleet.freePortOn(PROXY);
    int securePort = Fleet.freePortOn(PROXY);
    String secure = tlsServer("secure", "backend");
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + port,
            "--backend",
            "127.0.0.1:" + plain.getAddress().getPort(),
            "--tls-certificate",
            file("web.pem") + ":" + file("web.key"),
            "--tls-alpn",
            "http/1.1")
        .assertOk();
    fleet
        .weirctl(
            "pool",
            "create",
            "secure",
            "--listen",
            ":" + securePort,
            "--backend",
            secure,
            "--tls-certificate",
            file("web.pem") + ":" + file("web.key"),
            "--backend-tls-ca",
            file("ca.pem"),
            "--backend-tls-server-name",
            "backend.internal")
        .assertOk();
    assertThat(fleet.weirctl("pool", "show", "secure").assertOk().stdout())
        .contains("TLS", "terminated with " + file("web.pem"), "re-encrypted to the backends");
    fleet.awaitAllAcked("proxy");

    assertThat(curl("web.example.com", port)).isEqualTo("plain backend\n");
    // openssl s_server -www answers with a page about the TLS session it made with the proxy.
    assertThat(curl("web.example.com", securePort)).contains("s_server");
    String handshake = sClient(port, List.of(), "GET / HTTP/1.0\r\n\r\n");
    assertThat(handshake).contains("Verification: OK", "plain backend");
    fleet.program("proxy").awaitLine(Pattern.compile("TLS engine: "), TIMEOUT);
  }

  @Test
  void aClientCertificateIsRequiredWhenAsked() throws Exception {
    issue("web", "/CN=web v1", "web.example.com");
    issue("alice", "/CN=alice", "alice.clients.example.com");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + port,
            "--backend",
            "127.0.0.1:" + plain.getAddress().getPort(),
            "--tls-certificate",
            file("web.pem") + ":" + file("web.key"),
            "--tls-client-ca",
            file("ca.pem"),
            "--tls-client-auth",
            "required")
        .assertOk();
    fleet.awaitAllAcked("proxy");

    assertThat(
            sClient(
                port,
                List.of("-cert", file("alice.pem"), "-key", file("alice.key")),
                "GET / HTTP/1.0\r\n\r\n"))
        .contains("plain backend");
    assertThat(sClient(port, List.of(), "GET / HTTP/1.0\r\n\r\n")).doesNotContain("plain backend");
    fleet
        .program("proxy")
        .awaitLine(Pattern.compile("TLS handshake from \\S+ on \\S+ failed"), TIMEOUT);
  }

  @Test
  void aRotatedCertificateReachesNewConnectionsAndABrokenOneIsRefused() throws Exception {
    issue("v1", "/CN=web v1", "web.example.com");
    issue("v2", "/CN=web v2", "web.example.com");
    install("v1");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + port,
            "--backend",
            "127.0.0.1:" + plain.getAddress().getPort(),
            "--tls-certificate",
            file("live.pem") + ":" + file("live.key"))
        .assertOk();
    fleet.awaitAllAcked("proxy");
    assertThat(sClient(port, List.of(), "")).contains("web v1");

    install("v2");
    await("the new certificate served")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(sClient(port, List.of(), "")).contains("web v2"));

    Files.writeString(dir.resolve("live.pem"), "-----BEGIN CERTIFICATE-----\nbroken\n");
    fleet
        .program("proxy")
        .awaitLine(
            Pattern.compile(
                "pool web: settings.tls_termination"
                    + ".certificates\\[0\\].cert_file \\S+live.pem: not a PEM certificate"),
            TIMEOUT);
    assertThat(sClient(port, List.of(), "GET / HTTP/1.0\r\n\r\n"))
        .contains("web v2", "plain backend");

    Fleet.CliResult missing =
        fleet.weirctl(
            "pool",
            "create",
            "other",
            "--listen",
            ":" + Fleet.freePortOn(PROXY),
            "--backend",
            "127.0.0.1:1",
            "--tls-certificate",
            file("gone.pem") + ":" + file("gone.key"));
    await("the proxy to NACK a file it does not have")
        .atMost(TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(fleet.weirctl("-o", "json", "proxies").assertOk().stdout())
                    .contains(
                        "settings.tls_termination.certificates[0].cert_file "
                            + file("gone.pem")
                            + ": no such file"));
    assertThat(missing.exitCode()).as(missing.stderr()).isZero();
    assertThat(sClient(port, List.of(), "GET / HTTP/1.0\r\n\r\n")).contains("plain backend");
  }

  /** A certificate for {@code names} signed by the test CA, in NAME.pem and NAME.key. */
  private void issue(String name, String subject, String... names) throws Exception {
    openssl(
        "req",
        "-x509",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        name + ".key",
        "-out",
        name + ".pem",
        "-days",
        "1",
        "-subj",
        subject,
        "-addext",
        "subjectAltName="
            + String.join(",", List.of(names).stream().map(n -> "DNS:" + n).toList()));
    Files.setPosixFilePermissions(
        dir.resolve(name + ".key"), PosixFilePermissions.fromString("rw-------"));
  }

  /** Makes NAME's certificate and key the live files, each replaced by a rename. */
  private void install(String name) throws IOException {
    for (String ext : List.of(".pem", ".key")) {
      Path tmp = dir.resolve("tmp" + ext);
      Files.copy(dir.resolve(name + ext), tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, dir.resolve("live" + ext), StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private String file(String name) {
    return dir.resolve(name).toString();
  }

  private String tlsServer(String id, String certName) throws Exception {
    int port = Fleet.freePortOn("127.0.0.1");
    RunningProgram server =
        RunningProgram.start(
            id,
            dir,
            List.of(
                "openssl",
                "s_server",
                "-accept",
                "127.0.0.1:" + port,
                "-cert",
                file(certName + ".pem"),
                "-key",
                file(certName + ".key"),
                "-www"));
    servers.add(server);
    server.awaitLine(Pattern.compile("ACCEPT"), TIMEOUT);
    return "127.0.0.1:" + port;
  }

  /** The body curl gets from https://NAME:PORT/ through the proxy, trusting the test CA. */
  private String curl(String name, int port) throws Exception {
    return run(
        List.of(
            "curl",
            "-sS",
            "--max-time",
            "10",
            "--resolve",
            name + ":" + port + ":" + PROXY,
            "--cacert",
            file("ca.pem"),
            "https://" + name + ":" + port + "/"),
        "");
  }

  /** What openssl s_client prints for a session through the proxy that sends {@code input}. */
  private String sClient(int port, List<String> extra, String input) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                PROXY + ":" + port,
                "-servername",
                "web.example.com",
                "-verify_return_error",
                "-CAfile",
                file("ca.pem"),
                "-brief")); // brief: no session dump amid the answer
    if (!input.isEmpty()) {
      command.add("-ign_eof"); // keep reading until the proxy closes, after the answer
    }
    command.addAll(extra);
    return run(command, input);
  }

  private void openssl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static String run(List<String> command, String input)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write(input.getBytes(StandardCharsets.US_ASCII));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return output;
  }

  private static void requireInstalled(String program, String packages) {
    Installed.require(
        Installed.onPath(program) != null,
        program + " is not on the PATH; install it with: apt-get install -y " + packages);
  }
}
