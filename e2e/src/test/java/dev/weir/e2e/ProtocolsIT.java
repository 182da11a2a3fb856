package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.control.testing.Installed;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients through a Weir pool to real servers from Debian's packages (installed by .ci/run):
 * the traffic must arrive intact, not only a port answer.
 */
class ProtocolsIT {

  private static final String PROXY = "127.0.0.6";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Fleet fleet;
  private final List<RunningProgram> servers = new ArrayList<>();

  @BeforeEach
  void startFleet() throws Exception {
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
  void redisCommandsAndABenchmarkGoThroughIntact() throws Exception {
    requireInstalled("redis-server", "redis-server redis-tools");
    int backend = Fleet.freePortOn("127.0.0.1");
    RunningProgram redis =
        server(
            "redis-server",
            "redis-server",
            "--port",
            "" + backend,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            dir.toString());
    redis.awaitLine(Pattern.compile("Ready to accept connections"), TIMEOUT);
    int port = pool("redis", "127.0.0.1:" + backend);

    assertThat(run("redis-cli", "-h", PROXY, "-p", "" + port, "SET", "greeting", "hello"))
        .isEqualTo("OK");
    assertThat(run("redis-cli", "-h", PROXY, "-p", "" + port, "GET", "greeting"))
        .isEqualTo("hello");
    // A megabyte of random bytes set through the proxy reads back the same from the server.
    Path blob = dir.resolve("blob");
    byte[] bytes = new byte[1 << 20];
    new Random(7).nextBytes(bytes);
    Files.write(blob, bytes);
    Process set =
        new ProcessBuilder("redis-cli", "-h", PROXY, "-p", "" + port, "-x", "SET", "blob")
            .redirectInput(blob.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(new String(set.getInputStream().readAllBytes()).trim()).isEqualTo("OK");
    Process get =
        new ProcessBuilder("redis-cli", "-p", "" + backend, "--no-raw", "STRLEN", "blob")
            .redirectErrorStream(true)
            .start();
    assertThat(new String(get.getInputStream().readAllBytes()).trim())
        .isEqualTo("(integer) " + bytes.length);
    Process dump =
        new ProcessBuilder("redis-cli", "-p", "" + backend, "--raw", "GET", "blob").start();
    byte[] stored = dump.getInputStream().readAllBytes();
    // --raw ends the value with a newline of its own.
    assertThat(sha256(Arrays.copyOf(stored, stored.length - 1))).isEqualTo(sha256(bytes));

    String benchmark =
        run(
            "redis-benchmark",
            "-h",
            PROXY,
            "-p",
            "" + port,
            "-t",
            "set,get",
            "-n",
            "2000",
            "-c",
            "8",
            "-q");
    assertThat(benchmark).contains("SET:", "GET:").doesNotContain("rror");
  }

  @Test
  void nginxServesAFileThroughThePoolByteForByte() throws Exception {
    requireInstalled("nginx", "nginx");
    requireInstalled("curl", "curl");
    Path www = Files.createDirectories(dir.resolve("www"));
    byte[] bytes = new byte[5 << 20];
    new Random(11).nextBytes(bytes);
    Files.write(www.resolve("file.bin"), bytes);
    int backend = Fleet.freePortOn("127.0.0.1");
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "worker_processes 1; daemon off; pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("nginx-error.log") + " warn;",
            "events { worker_connections 64; }",
            "http { access_log off; client_body_temp_path " + dir + ";",
            "  server { listen 127.0.0.1:" + backend + "; root " + www + "; } }",
            ""));
    server(
        "nginx",
        "nginx",
        "-p",
        dir.toString(),
        "-c",
        conf.toString(),
        "-e",
        dir.resolve("nginx-error.log").toString());
    await("nginx").atMost(TIMEOUT).until(() -> listening(backend));
    int port = pool("web", "127.0.0.1:" + backend);

    Path first = dir.resolve("first.bin");
    Path second = dir.resolve("second.bin");
    // Two downloads on one kept-alive connection.
    String url = "http://" + PROXY + ":" + port + "/file.bin";
    run("curl", "-sS", "--fail", "-o", first.toString(), url, "-o", second.toString(), url);

    assertThat(sha256(Files.readAllBytes(first))).isEqualTo(sha256(bytes));
    assertThat(sha256(Files.readAllBytes(second))).isEqualTo(sha256(bytes));
  }

  @Test
  void aWebSocketSessionLivesThroughChangesAndHealthChecksUntilItsDrainDeadline() throws Exception {
    requireInstalled("websocketd", "websocketd");
    int backend = Fleet.freePortOn("127.0.0.1");
    RunningProgram ws =
        server("websocketd", "websocketd", "--address", "127.0.0.1", "--port", "" + backend, "cat");
    await("websocketd").atMost(TIMEOUT).until(() -> listening(backend));
    int port = pool("ws", "127.0.0.1:" + backend);
    Echoes echoes = new Echoes();
    WebSocket socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(URI.create("ws://" + PROXY + ":" + port + "/"), echoes)
            .get(10, TimeUnit.SECONDS);

    assertThat(echoes.roundTrip(socket, "before any change")).isEqualTo("before any change");
    // A config change on the pool, and health checks cycling against the backend.
    Fleet.Backend other = fleet.startBackend("other");
    fleet.weirctl("backend", "add", "ws", other.address(), "--wait").assertOk();
    fleet
        .weirctl(
            "pool", "set", "ws", "--health-check", "tcp", "--health-interval", "200ms", "--wait")
        .assertOk();
    for (int i = 0; i < 20; i++) {
      assertThat(echoes.roundTrip(socket, "message " + i)).isEqualTo("message " + i);
    }
    // Draining keeps the session until the deadline, then ends it.
    fleet.weirctl("backend", "drain", "ws", "127.0.0.1:" + backend, "--deadline", "3s").assertOk();
    fleet.awaitAllAcked("proxy");
    assertThat(echoes.roundTrip(socket, "while draining")).isEqualTo("while draining");
    assertThat(echoes.closed.get(20, TimeUnit.SECONDS)).isNotNull();
    assertThat(ws.isAlive()).as("the backend lives on; only the session was cut").isTrue();
  }

  @Test
  void postgresRowsCopiedThroughThePoolAreTheSameOnTheServer() throws Exception {
    try (PostgresServer postgres = PostgresServer.start("postgres", dir, null, null)) {
      int backend = postgres.port();
      int port = pool("pg", "127.0.0.1:" + backend);

      // 20,000 lines of random text sent through the proxy with COPY.
      Random random = new Random(5);
      StringBuilder lines = new StringBuilder();
      for (int i = 1; i <= 20_000; i++) {
        lines
            .append(i)
            .append('\t')
            .append(Long.toHexString(random.nextLong()))
            .append(Long.toHexString(random.nextLong()))
            .append('\n');
      }
      Path rows = Files.writeString(dir.resolve("rows.tsv"), lines);
      psql(PROXY, port, "CREATE TABLE t (id int PRIMARY KEY, v text)");
      psql(PROXY, port, "\\copy t FROM '" + rows + "'");

      String expected =
          HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("MD5")
                      .digest(
                          lines
                              .toString()
                              .lines()
                              .map(l -> l.substring(l.indexOf('\t') + 1))
                              .reduce((a, b) -> a + "\n" + b)
                              .orElseThrow()
                              .getBytes()));
      String query = "SELECT md5(string_agg(v, E'\\n' ORDER BY id)) FROM t";
      assertThat(psql("127.0.0.1", backend, query))
          .as("read on the server itself")
          .isEqualTo(expected);
      assertThat(psql(PROXY, port, query)).as("read back through the proxy").isEqualTo(expected);
    }
  }

  private String psql(String host, int port, String command) throws Exception {
    return run(
        "psql",
        "-h",
        host,
        "-p",
        "" + port,
        "-U",
        "weir",
        "-d",
        "postgres",
        "-v",
        "ON_ERROR_STOP=1",
        "-tA",
        "-c",
        command);
  }

  /** Collects what the WebSocket server sends back. */
  private static final class Echoes implements WebSocket.Listener {
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    final CompletableFuture<String> closed = new CompletableFuture<>();

    String roundTrip(WebSocket socket, String text) throws Exception {
      socket.sendText(text, true).get(10, TimeUnit.SECONDS);
      String echo = received.poll(10, TimeUnit.SECONDS);
      assertThat(echo).as("echo of %s", text).isNotNull();
      return echo;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        // websocketd sends each line the program prints, without its newline.
        received.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
      closed.complete("close " + status);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.complete("error " + error);
    }
  }

  private int pool(String name, String backend) throws Exception {
    int port = Fleet.freePortOn(PROXY);
    fleet.weirctl("pool", "create", name, "--listen", ":" + port, "--backend", backend).assertOk();
    fleet.awaitAllAcked("proxy");
    return port;
  }

  private RunningProgram server(String name, String... command) {
    RunningProgram program = RunningProgram.start(name, dir, List.of(command));
    servers.add(program);
    return program;
  }

  private String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes()).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
    return output;
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void requireInstalled(String program, String packages) {
    Installed.require(
        Installed.onPath(program) != null,
        program + " is not on the PATH; install it with: apt-get install -y " + packages);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
