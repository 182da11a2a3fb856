package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.control.security.TestPki;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.CliResult;
import dev.weir.e2e.Fleet.Greeted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real programs with mutual TLS and an auth file: two control-plane replicas with separate
 * admin and proxy ports, a proxy with a client certificate that knows both, and weirctl with a
 * certificate or a token. Only trusted callers get in, each only as far as its role allows, and the
 * proxy moves to the other replica without dropping a connection when its replica stops.
 */
class SecurityIT {

  private static final String PROXY = "127.0.0.6";
  private static final Pattern ADMIN_PORT = Pattern.compile("listening on \\S+:(\\d+)");
  private static final Pattern PROXY_PORT = Pattern.compile("serving proxies on \\S+:(\\d+)");
  private static final Pattern CONNECTED_TO =
      Pattern.compile("connected to control plane 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START = Duration.ofSeconds(30);
  private static final String VIEWER_TOKEN = "viewer-7d2f0c1e5b8a";

  @TempDir Path dir;
  private Fleet fleet;
  private TestPki pki;
  private TestPki.Issued alice;
  private TestPki.Issued edge;
  private Path viewerTokenFile;
  private final List<Replica> replicas = new ArrayList<>();
  private Backend backend;
  private int poolPort;

  private record Replica(RunningProgram program, int adminPort, int proxyPort) {}

  @BeforeEach
  void startSecureFleet() throws Exception {
    fleet = new Fleet(dir);
    pki = TestPki.create(dir.resolve("pki"), "weir-e2e-ca");
    TestPki.Issued server = pki.server("control");
    alice = pki.client("ops-alice");
    edge = pki.client("edge-1");
    viewerTokenFile = Files.writeString(dir.resolve("viewer.token"), VIEWER_TOKEN + "\n");
    Path authFile =
        Files.write(
            dir.resolve("auth"),
            List.of(
                "admin  alice    cert:ops-alice",
                "proxy  edges    cert:edge-*",
                "viewer grafana  token-sha256:" + sha256(VIEWER_TOKEN)));
    backend = fleet.startBackend("b1");
    poolPort = Fleet.freePortOn(PROXY);
    for (String name : List.of("control-a", "control-b")) {
      RunningProgram program =
          fleet.launch(
              name,
              "weir-control",
              List.of(
                  "--admin-listen",
                  "127.0.0.1:0",
                  "--proxy-listen",
                  "127.0.0.1:0",
                  "--data-dir",
                  dir.resolve(name).toString(),
                  "--tls-cert",
                  server.certFile().toString(),
                  "--tls-key",
                  server.keyFile().toString(),
                  "--tls-ca",
                  pki.caFile().toString(),
                  "--auth-file",
                  authFile.toString()));
      Replica replica =
          new Replica(
              program,
              Integer.parseInt(program.awaitLine(ADMIN_PORT, START)),
              Integer.parseInt(program.awaitLine(PROXY_PORT, START)));
      replicas.add(replica);
      // Two replicas with their own stores: the same pool in each, as a shared store would hold.
      weirctl(
              replica,
              asAlice(),
              "pool",
              "create",
              "web",
              "--listen",
              ":" + poolPort,
              "--backend",
              backend.address())
          .assertOk();
    }
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void onlyTrustedCallersGetInAndEachOnlyAsFarAsItsRole() throws Exception {
    Replica a = replicas.get(0);

    CliResult plaintext = weirctl(a, List.of(), "pool", "list");
    assertThat(plaintext.exitCode()).as(plaintext.stderr()).isEqualTo(3);

    CliResult viewerReads = weirctl(a, asViewer(), "pool", "list");
    assertThat(viewerReads.exitCode()).as(viewerReads.stderr()).isZero();
    assertThat(viewerReads.stdout()).contains("web");

    CliResult viewerChanges = weirctl(a, asViewer(), "backend", "add", "web", "127.0.0.1:1");
    assertThat(viewerChanges.exitCode()).isEqualTo(5);
    assertThat(viewerChanges.stderr())
        .contains("not allowed: caller grafana has role viewer")
        .doesNotContain(VIEWER_TOKEN);

    CliResult proxyCertAsAdmin =
        weirctl(
            a,
            List.of(
                "--tls-ca",
                pki.caFile().toString(),
                "--tls-cert",
                edge.certFile().toString(),
                "--tls-key",
                edge.keyFile().toString()),
            "pool",
            "list");
    assertThat(proxyCertAsAdmin.exitCode()).isEqualTo(5);
    assertThat(proxyCertAsAdmin.stderr()).contains("caller edges has role proxy");

    RunningProgram noCertificate =
        fleet.launch(
            "no-cert",
            "weir-proxy",
            List.of(
                "--control-plane",
                "127.0.0.1:" + a.proxyPort(),
                "--id",
                "no-cert",
                "--bind-address",
                "127.0.0.7",
                "--event-loops",
                "1",
                "--state-dir",
                dir.resolve("no-cert-state").toString(),
                "--tls-ca",
                pki.caFile().toString()));
    noCertificate.awaitLine(Pattern.compile("control plane .* unavailable"), START);

    assertThat(String.join("\n", a.program().output()))
        .contains("refused weir.v1.AdminService/AddBackend")
        .doesNotContain(VIEWER_TOKEN);
  }

  @Test
  void aProxyMovesToTheOtherReplicaWithoutDroppingAConnection() throws Exception {
    RunningProgram proxy =
        fleet.launch(
            "edge-1",
            "weir-proxy",
            List.of(
                "--control-plane",
                "127.0.0.1:"
                    + replicas.get(0).proxyPort()
                    + ",127.0.0.1:"
                    + replicas.get(1).proxyPort(),
                "--id",
                "edge-1",
                "--bind-address",
                PROXY,
                "--event-loops",
                "1",
                "--state-dir",
                dir.resolve("proxy-state").toString(),
                "--tls-ca",
                pki.caFile().toString(),
                "--tls-cert",
                edge.certFile().toString(),
                "--tls-key",
                edge.keyFile().toString()));
    int firstPort = Integer.parseInt(proxy.awaitLine(CONNECTED_TO, START));
    Replica first = replicas.get(0).proxyPort() == firstPort ? replicas.get(0) : replicas.get(1);
    Replica second = first == replicas.get(0) ? replicas.get(1) : replicas.get(0);
    await("the proxy to serve the pool")
        .atMost(START)
        .ignoreExceptions()
        .until(() -> "b1".equals(backendOf(PROXY, poolPort)));

    try (Greeted open = Fleet.connect(PROXY, poolPort)) {
      assertThat(open.echo("before")).isEqualTo("before");

      first.program().close();

      proxy.awaitLine(
          Pattern.compile(
              "connected to control plane 127\\.0\\.0\\.1:(" + second.proxyPort() + ")"),
          START);
      assertThat(open.echo("after the move")).isEqualTo("after the move");
    }
    await("the other replica to list the proxy as connected")
        .atMost(START)
        .untilAsserted(
            () ->
                assertThat(weirctl(second, asAlice(), "-o", "json", "proxies").assertOk().stdout())
                    .contains("\"id\": \"edge-1\"", "\"connected\": true"));
    assertThat(backendOf(PROXY, poolPort)).isEqualTo("b1");
  }

  private CliResult weirctl(Replica replica, List<String> credentials, String... args)
      throws Exception {
    List<String> command =
        new ArrayList<>(List.of("--control-plane", "127.0.0.1:" + replica.adminPort()));
    command.addAll(credentials);
    command.addAll(List.of(args));
    return fleet.weirctlExactly(Map.of(), command);
  }

  private List<String> asAlice() {
    return List.of(
        "--tls-ca",
        pki.caFile().toString(),
        "--tls-cert",
        alice.certFile().toString(),
        "--tls-key",
        alice.keyFile().toString());
  }

  private List<String> asViewer() {
    return List.of("--tls-ca", pki.caFile().toString(), "--token-file", viewerTokenFile.toString());
  }

  private static String sha256(String token) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
  }
}
