package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.control.testing.Installed;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS passthrough by server name through a real weir-proxy: real TLS servers (openssl s_server),
 * each with its own certificate, behind one port; real clients (curl, openssl s_client) that verify
 * the certificate they get, so a connection routed to the wrong server fails its handshake.
 */
class TlsRoutingIT {

  private static final String PROXY = "127.0.0.9";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Fleet fleet;
  private final List<RunningProgram> servers = new ArrayList<>();

  @BeforeEach
  void startFleet() {
    requireInstalled("openssl", "openssl");
    requireInstalled("curl", "curl");
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy", PROXY);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (RunningProgram server : servers) {
      server.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void eachServerNameReachesTheServerWhoseCertificateItVerifies() throws Exception {
    String db = tlsServer("db", "db.example.com");
    String shop = tlsServer("shop", "*.shop.example.com");
    String fallback = tlsServer("fallback", "fallback.example.com");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "db",
            "--listen",
            ":" + port,
            "--backend",
            db,
            "--sni",
            "DB.example.com")
        .assertOk();
    fleet
        .weirctl(
            "pool",
            "create",
            "shop",
            "--listen",
            ":" + port,
            "--backend",
            shop,
            "--sni",
            "*.shop.example.com")
        .assertOk();
    fleet
        .weirctl(
            "pool",
            "create",
            "fallback",
            "--listen",
            ":" + port,
            "--backend",
            fallback,
            "--sni-default")
        .assertOk();
    // A plain pool cannot join them: refused, naming the rule.
    Fleet.CliResult plain =
        fleet.weirctl("pool", "create", "plain", "--listen", ":" + port, "--backend", db);
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.stderr()).contains("listen port " + port, "settings.tls_routing.enabled");
    assertThat(fleet.weirctl("pool", "show", "shop").assertOk().stdout())
        .contains("TLS routing", "by SNI *.shop.example.com");
    fleet.awaitAllAcked("proxy");

    assertThat(curl("db.example.com", port, "db")).isZero();
    assertThat(curl("www.shop.example.com", port, "shop")).isZero();
    assertThat(curl("fallback.example.com", port, "fallback")).isZero();
    // The same name verified against another server's certificate fails: routing is what
    // made the checks above pass.
    assertThat(curl("db.example.com", port, "shop")).as("curl's exit code").isEqualTo(60);

    // A 3 KB ClientHello (ALPN names standing in for post-quantum key shares) routes too.
    String protocols =
        IntStream.range(0, 12)
            .mapToObj(i -> "p" + i + "x".repeat(250))
            .collect(Collectors.joining(","));
    String handshake =
        run(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                PROXY + ":" + port,
                "-servername",
                "db.example.com",
                "-verify_return_error",
                "-CAfile",
                dir.resolve("db.crt").toString(),
                "-alpn",
                protocols,
                "-brief"),
            "Q\n");
    assertThat(handshake).contains("Verification: OK");
  }

  @Test
  void nginxRedisAndPostgresShareOnePortEachReachedByItsOwnName() throws Exception {
    requireInstalled("nginx", "nginx");
    requireInstalled("redis-server", "redis-server redis-tools");
    certificate("web", "web.example.com");
    certificate("cache", "cache.example.com");
    certificate("db", "db.example.com");
    int nginx = Fleet.freePortOn("127.0.0.1");
    Path conf = dir.resolve("nginx.conf");
    java.nio.file.Files.writeString(
        conf,
        String.join(
            "\n",
            "worker_processes 1; daemon off; pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("nginx-error.log") + " warn;",
            "events { worker_connections 64; }",
            "http { access_log off; client_body_temp_path " + dir + ";",
            "  server { listen 127.0.0.1:" + nginx + " ssl;",
            "    ssl_certificate " + dir.resolve("web.crt") + ";",
            "    ssl_certificate_key " + dir.resolve("web.key") + ";",
            "    location / { return 200 \"web\\n\"; } } }",
            ""));
    RunningProgram web =
        RunningProgram.start(
            "nginx",
            dir,
            List.of(
                "nginx",
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-e",
                dir.resolve("nginx-error.log").toString()));
    servers.add(web);
    int redis = Fleet.freePortOn("127.0.0.1");
    RunningProgram cache =
        RunningProgram.start(
            "redis",
            dir,
            List.of(
                "redis-server",
                "--port",
                "0",
                "--tls-port",
                "" + redis,
                "--bind",
                "127.0.0.1",
                "--tls-cert-file",
                dir.resolve("cache.crt").toString(),
                "--tls-key-file",
                dir.resolve("cache.key").toString(),
                "--tls-ca-cert-file",
                dir.resolve("cache.crt").toString(),
                "--tls-auth-clients",
                "no",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
    servers.add(cache);
    cache.awaitLine(Pattern.compile("Ready to accept connections"), TIMEOUT);
    try (PostgresServer db =
        PostgresServer.start("postgres", dir, dir.resolve("db.crt"), dir.resolve("db.key"))) {
      int port = Fleet.freePortOn(PROXY);
      fleet
          .weirctl(
              "pool",
              "create",
              "web",
              "--listen",
              ":" + port,
              "--backend",
              "127.0.0.1:" + nginx,
              "--sni",
              "web.example.com")
          .assertOk();
      fleet
          .weirctl(
              "pool",
              "create",
              "cache",
              "--listen",
              ":" + port,
              "--backend",
              "127.0.0.1:" + redis,
              "--sni",
              "cache.example.com")
          .assertOk();
      fleet
          .weirctl(
              "pool",
              "create",
              "db",
              "--listen",
              ":" + port,
              "--backend",
              "127.0.0.1:" + db.port(),
              "--sni",
              "db.example.com",
              "--sni-postgres")
          .assertOk();
      fleet.awaitAllAcked("proxy");

      Process curl =
          new ProcessBuilder(
                  "curl",
                  "-sS",
                  "--max-time",
                  "10",
                  "--resolve",
                  "web.example.com:" + port + ":" + PROXY,
                  "--cacert",
                  dir.resolve("web.crt").toString(),
                  "https://web.example.com:" + port + "/")
              .redirectErrorStream(true)
              .start();
      assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("web\n");
      assertThat(
              run(
                  List.of(
                      "redis-cli",
                      "--tls",
                      "--sni",
                      "cache.example.com",
                      "--cacert",
                      dir.resolve("cache.crt").toString(),
                      "-h",
                      PROXY,
                      "-p",
                      "" + port,
                      "PING"),
                  ""))
          .isEqualTo("PONG\n");
      // libpq asks for TLS with an SSLRequest, sends "db.example.com" as SNI and checks the
      // server's certificate against it.
      assertThat(
              run(
                  List.of(
                      "psql",
                      "host=db.example.com hostaddr="
                          + PROXY
                          + " port="
                          + port
                          + " user=weir dbname=postgres sslmode=verify-full sslrootcert="
                          + dir.resolve("db.crt"),
                      "-tAc",
                      "SELECT current_setting('port')"),
                  ""))
          .isEqualTo(db.port() + "\n");
      // Each name shows its own server's certificate.
      for (String name : List.of("web", "cache")) {
        assertThat(
                run(
                    List.of(
                        "openssl",
                        "s_client",
                        "-connect",
                        PROXY + ":" + port,
                        "-servername",
                        name + ".example.com",
                        "-brief"),
                    "Q\n"))
            .contains("Peer certificate: CN = " + name + ".example.com");
      }
    }
  }

  @Test
  void aNameNoPoolTakesGetsAnAlertAndIsLogged() throws Exception {
    String db = tlsServer("db", "db.example.com");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "db",
            "--listen",
            ":" + port,
            "--backend",
            db,
            "--sni",
            "db.example.com")
        .assertOk();
    fleet.awaitAllAcked("proxy");

    String refused =
        run(
            List.of(
                "openssl",
                "s_client",
                "-connect",
                PROXY + ":" + port,
                "-servername",
                "evil.example.com",
                "-brief"),
            "");
    assertThat(refused).contains("unrecognized name");
    fleet
        .program("proxy")
        .awaitLine(
            Pattern.compile("refused TLS from \\S+ with server name \"evil.example.com\""),
            TIMEOUT);
    assertThat(curl("db.example.com", port, "db")).isZero();
  }

  /** Makes ID.crt and ID.key in the test's directory: self-signed, for {@code name}. */
  private void certificate(String id, String name) throws Exception {
    run(
        List.of(
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            dir.resolve(id + ".key").toString(),
            "-out",
            dir.resolve(id + ".crt").toString(),
            "-days",
            "1",
            "-subj",
            "/CN=" + name,
            "-addext",
            "subjectAltName=DNS:" + name),
        "");
  }

  /** Starts a TLS server with a fresh self-signed certificate for {@code name}. */
  private String tlsServer(String id, String name) throws Exception {
    certificate(id, name);
    Path key = dir.resolve(id + ".key");
    Path cert = dir.resolve(id + ".crt");
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
                cert.toString(),
                "-key",
                key.toString(),
                "-www"));
    servers.add(server);
    server.awaitLine(Pattern.compile("ACCEPT"), TIMEOUT);
    return "127.0.0.1:" + port;
  }

  /** curl's exit code for https://NAME:PORT/ through the proxy, trusting only CA_ID's cert. */
  private int curl(String name, int port, String caId) throws Exception {
    Process curl =
        new ProcessBuilder(
                "curl",
                "-sS",
                "-o",
                "/dev/null",
                "--max-time",
                "10",
                "--resolve",
                name + ":" + port + ":" + PROXY,
                "--cacert",
                dir.resolve(caId + ".crt").toString(),
                "https://" + name + ":" + port + "/")
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes());
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
    return curl.exitValue();
  }

  private static String run(List<String> command, String input)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().write(input.getBytes());
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
