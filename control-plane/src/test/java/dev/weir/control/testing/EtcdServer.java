package dev.weir.control.testing;

import static org.awaitility.Awaitility.await;

import dev.weir.control.security.TestPki;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * A real etcd ({@code etcd} from the PATH; Debian package {@code etcd-server}) for one test: a
 * single member on 127.0.0.1 with free client and peer ports and a temp data dir. {@link #close}
 * kills it and deletes the dir.
 *
 * <p>Without {@code etcd} on the PATH the test is skipped, or fails in CI ({@link Installed}).
 */
public final class EtcdServer implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 30_000;

  private final List<String> command;
  private final Path dataDir;
  private final TestPki pki;
  private final int clientPort;
  private Process process;

  private EtcdServer(List<String> command, Path dataDir, TestPki pki, int clientPort) {
    this.command = command;
    this.dataDir = dataDir;
    this.pki = pki;
    this.clientPort = clientPort;
  }

  /** Starts etcd and waits until it accepts connections on its client port. */
  public static EtcdServer start() throws IOException, InterruptedException {
    return start(null);
  }

  /**
   * Starts etcd serving clients over TLS only, with a certificate from a new CA whose files go in
   * {@code pkiDir}, and admitting only clients that show a certificate that CA issued ({@code
   * --client-cert-auth}); {@link #pki} issues them.
   */
  public static EtcdServer startTls(Path pkiDir) throws IOException, InterruptedException {
    return start(TestPki.create(pkiDir, "etcd-ca"));
  }

  /** The CA etcd trusts and whose certificate it shows; null without TLS. */
  public TestPki pki() {
    return pki;
  }

  private static EtcdServer start(TestPki pki) throws IOException, InterruptedException {
    Path binary = Installed.onPath("etcd");
    Installed.require(
        binary != null, "etcd is not on the PATH; install it with: apt-get install -y etcd-server");
    Path dataDir = Files.createTempDirectory("weir-etcd-");
    int clientPort = freePort();
    int peerPort = freePort();
    while (peerPort == clientPort) { // bind(0) picks at random: two probes can meet
      peerPort = freePort();
    }
    String client = scheme(pki) + "://127.0.0.1:" + clientPort;
    String peer = "http://127.0.0.1:" + peerPort;
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--name",
                "weir-test",
                "--data-dir",
                dataDir.resolve("data").toString(),
                "--listen-client-urls",
                client,
                "--advertise-client-urls",
                client,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "weir-test=" + peer,
                "--initial-cluster-state",
                "new"));
    if (pki != null) {
      TestPki.Issued certificate = pki.server("etcd");
      command.addAll(
          List.of(
              "--cert-file",
              certificate.certFile().toString(),
              "--key-file",
              certificate.keyFile().toString(),
              "--trusted-ca-file",
              pki.caFile().toString(),
              "--client-cert-auth"));
    }
    EtcdServer server = new EtcdServer(command, dataDir, pki, clientPort);
    try {
      server.launch();
    } catch (IOException | RuntimeException | InterruptedException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Kills etcd (SIGKILL), keeping its data: {@link #restart} brings it back. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Stops etcd in its tracks (SIGSTOP): it keeps its connections but answers nothing, and what
   * clients send meanwhile waits in its sockets until {@link #resume}.
   */
  public void pause() throws IOException, InterruptedException {
    signal("-STOP");
  }

  /** Lets a paused etcd run again (SIGCONT). */
  public void resume() throws IOException, InterruptedException {
    signal("-CONT");
  }

  private void signal(String which) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", which, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill " + which + " " + process.pid() + " failed");
    }
  }

  /** Starts etcd again on the same ports and data, after {@link #kill}. */
  public void restart() throws IOException, InterruptedException {
    kill();
    launch();
  }

  private void launch() throws IOException, InterruptedException {
    Path log = dataDir.resolve("etcd-" + System.nanoTime() + ".log");
    process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    awaitListening(log);
  }

  /** The client URL, e.g. {@code http://127.0.0.1:40123} ({@code https} after startTls). */
  public URI endpoint() {
    return URI.create(scheme(pki) + "://127.0.0.1:" + clientPort);
  }

  private static String scheme(TestPki pki) {
    return pki == null ? "http" : "https";
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public void close() throws IOException {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (Files.exists(dataDir)) {
      try (Stream<Path> paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  private void awaitListening(Path log) throws IOException {
    try {
      await("etcd to serve clients")
          .atMost(Duration.ofMillis(START_TIMEOUT_MS))
          .pollInterval(Duration.ofMillis(50))
          .failFast("etcd exited", () -> !process.isAlive())
          .until(
              () -> accepts() && Files.readString(log).contains("ready to serve client requests"));
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      String how =
          process.isAlive()
              ? "did not start within " + START_TIMEOUT_MS + " ms"
              : "exited with " + process.exitValue();
      throw new IOException("etcd " + how + ":\n" + Files.readString(log), e);
    }
  }

  private boolean accepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", clientPort), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
