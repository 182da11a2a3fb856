package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ProxyInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Weir deployment on loopback for one test: weir-control, weir-proxy processes and demo
 * backends, all started through the launchers in bin/ and all stopped by {@link #close()}.
 */
final class Fleet implements AutoCloseable {

  static final Path HOME = Path.of(System.getProperty("weir.home", "..")).toAbsolutePath();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
  // Small heaps and a quick-starting JIT: several JVMs share two cores during the tests.
  private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private final Path dir;
  private final List<RunningProgram> programs = new ArrayList<>();
  private RunningProgram control;
  private int controlPort;
  private ManagedChannel adminChannel;
  private AdminServiceGrpc.AdminServiceBlockingStub admin;

  Fleet(Path dir) {
    this.dir = dir;
    for (String jar :
        List.of(
            "control-plane/target/weir-control.jar",
            "data-plane/target/weir-proxy.jar",
            "admin-cli/target/weirctl.jar")) {
      assertThat(HOME.resolve(jar))
          .as("%s is built by the package phase: run these tests with mvn verify", jar)
          .exists();
    }
  }

  /** Starts weir-control on {@code port} (0: any free port) with this fleet's data dir. */
  RunningProgram startControl(int port) {
    control =
        start(
            "weir-control",
            List.of(
                HOME.resolve("bin/weir-control").toString(),
                "--listen",
                "127.0.0.1:" + port,
                "--data-dir",
                dir.resolve("control-data").toString()));
    controlPort = Integer.parseInt(control.awaitLine(LISTENING, START_TIMEOUT));
    if (adminChannel == null) {
      adminChannel =
          ManagedChannelBuilder.forAddress("127.0.0.1", controlPort).usePlaintext().build();
      admin = AdminServiceGrpc.newBlockingStub(adminChannel);
    }
    return control;
  }

  RunningProgram control() {
    return control;
  }

  int controlPort() {
    return controlPort;
  }

  RunningProgram startProxy(String id, String bindAddress) {
    return start(
        id,
        List.of(
            HOME.resolve("bin/weir-proxy").toString(),
            "--control-plane",
            "127.0.0.1:" + controlPort,
            "--id",
            id,
            "--bind-address",
            bindAddress,
            "--stats-interval",
            "200ms",
            "--event-loops",
            "1",
            "--state-dir",
            dir.resolve("proxy-state").toString(),
            "--shutdown-timeout",
            "5s"));
  }

  /** Where a proxy started by this fleet saves its last applied config. */
  Path proxyStateFile(String id) {
    return dir.resolve("proxy-state").resolve(id + ".snapshot");
  }

  /** An echo backend that greets each connection with {@code name}; returns its port. */
  Backend startBackend(String name) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    RunningProgram program =
        start(
            name,
            List.of(
                java,
                "-Xmx64m",
                "-XX:+UseSerialGC",
                "-cp",
                HOME.resolve("e2e/target/classes").toString(),
                DemoBackend.class.getName(),
                "--name",
                name,
                "--mode",
                "echo",
                "--listen",
                "127.0.0.1:0"));
    int port = Integer.parseInt(program.awaitLine(LISTENING, START_TIMEOUT));
    return new Backend(name, "127.0.0.1:" + port, program);
  }

  record Backend(String name, String address, RunningProgram program) {}

  /** The most recently started program called {@code name}. */
  RunningProgram program(String name) {
    for (int i = programs.size() - 1; i >= 0; i--) {
      if (programs.get(i).name().equals(name)) {
        return programs.get(i);
      }
    }
    throw new IllegalArgumentException("no program " + name);
  }

  private RunningProgram start(String name, List<String> command) {
    RunningProgram program = RunningProgram.start(name, dir, withJavaOpts(command));
    programs.add(program);
    return program;
  }

  private static List<String> withJavaOpts(List<String> command) {
    if (!command.get(0).endsWith("java")) {
      // The launchers read their JVM flags from WEIR_JAVA_OPTS.
      List<String> withEnv = new ArrayList<>(List.of("env", "WEIR_JAVA_OPTS=" + JAVA_OPTS));
      withEnv.addAll(command);
      return withEnv;
    }
    return command;
  }

  /**
   * Starts {@code bin/LAUNCHER} with exactly {@code args}, for tests that configure a program
   * themselves (TLS, several control planes); it is stopped by {@link #close()}.
   */
  RunningProgram launch(String name, String launcher, List<String> args) {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/" + launcher).toString()));
    command.addAll(args);
    return start(name, command);
  }

  /**
   * As {@link #launch}, with the open-file limit ({@code ulimit -n}) set to {@code openFiles}, as
   * on a host whose limit is low.
   */
  RunningProgram launchWithOpenFileLimit(
      String name, String launcher, int openFiles, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "bash",
                "-c",
                "ulimit -n " + openFiles + " && exec \"$0\" \"$@\"",
                HOME.resolve("bin/" + launcher).toString()));
    command.addAll(args);
    return start(name, command);
  }

  /** Where a program's files go: a directory of this fleet's. */
  Path dir() {
    return dir;
  }

  /** Runs bin/weirctl against this fleet's control plane and waits for it to exit. */
  CliResult weirctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("--control-plane", "127.0.0.1:" + controlPort));
    command.addAll(Arrays.asList(args));
    return weirctlExactly(Map.of(), command);
  }

  /** Runs bin/weirctl with exactly {@code args} and {@code environment} added to this one's. */
  CliResult weirctlExactly(Map<String, String> environment, List<String> args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/weirctl").toString()));
    command.addAll(args);
    Path out = Files.createTempFile(dir, "weirctl", ".out");
    Path err = Files.createTempFile(dir, "weirctl", ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process p = builder.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("weirctl " + String.join(" ", args) + " did not exit in 60s");
      }
    } finally {
      p.destroyForcibly();
    }
    return new CliResult(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /**
   * Starts bin/weirctl against this fleet's control plane without waiting for it, for commands that
   * run on (such as {@code --wait}); it is stopped by {@link #close()} if still running.
   */
  RunningProgram startWeirctl(String name, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                HOME.resolve("bin/weirctl").toString(),
                "--control-plane",
                "127.0.0.1:" + controlPort));
    command.addAll(Arrays.asList(args));
    return start(name, command);
  }

  record CliResult(int exitCode, String stdout, String stderr) {
    CliResult assertOk() {
      assertThat(exitCode).as("weirctl exit code; stderr: %s", stderr).isZero();
      return this;
    }
  }

  AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return admin.withDeadlineAfter(5, TimeUnit.SECONDS);
  }

  /**
   * Waits until every named proxy is connected and has ACKed the newest config version, and applied
   * it: an ACK only says the proxy validated it, and tests go on to use it.
   */
  long awaitAllAcked(String... proxyIds) {
    long[] version = new long[1];
    await("proxies " + Arrays.toString(proxyIds) + " to ACK the newest config")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              ListProxiesResponse list =
                  admin().listProxies(ListProxiesRequest.getDefaultInstance());
              Map<String, ProxyInfo> byId =
                  list.getProxiesList().stream()
                      .collect(Collectors.toMap(ProxyInfo::getId, p -> p));
              for (String id : proxyIds) {
                assertThat(byId).containsKey(id);
                assertThat(byId.get(id).getConnected()).as("%s connected", id).isTrue();
                assertThat(byId.get(id).getLastAckedVersion())
                    .as("%s ACKed", id)
                    .isEqualTo(list.getConfigVersion());
                assertThat(byId.get(id).getLastAppliedVersion())
                    .as("%s applied", id)
                    .isEqualTo(list.getConfigVersion());
              }
              version[0] = list.getConfigVersion();
            });
    return version[0];
  }

  /** A stub whose calls may take up to {@code deadline}, for calls that wait (WaitForApplied). */
  AdminServiceGrpc.AdminServiceBlockingStub admin(Duration deadline) {
    return admin.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Opens a connection through a proxy and returns it once the backend has said its name. */
  static Greeted connect(String host, int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String name = in.readLine();
      if (name == null) {
        throw new IOException("connection to " + host + ":" + port + " closed before a greeting");
      }
      return new Greeted(socket, in, name);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * A connection through {@code host:port} that reached {@code backend}; the ones that reached
   * another backend are closed.
   */
  static Greeted connectTo(String host, int port, String backend) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      Greeted connection = connect(host, port);
      if (connection.backend().equals(backend)) {
        return connection;
      }
      connection.close();
    }
    throw new AssertionError("no connection through " + host + ":" + port + " reached " + backend);
  }

  /** Which backend a fresh connection through {@code host:port} reaches. */
  static String backendOf(String host, int port) throws IOException {
    try (Greeted g = connect(host, port)) {
      return g.backend();
    }
  }

  /** A connection through the proxy, with the name of the backend it reached. */
  record Greeted(Socket socket, BufferedReader in, String backend) implements AutoCloseable {
    /** Sends a line and returns what came back. */
    String echo(String line) throws IOException {
      socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
      return in.readLine();
    }

    /** Whether the other side closed it: a read ends (or is reset) instead of timing out. */
    boolean closedByPeer() throws IOException {
      socket.setSoTimeout(200);
      try {
        return in.read() < 0;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException e) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A port free on every one of {@code hosts} right now. */
  static int freePortOn(String... hosts) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int port;
      try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getByName(hosts[0]))) {
        port = first.getLocalPort();
      }
      if (freeOnAll(port, hosts)) {
        return port;
      }
    }
    throw new IllegalStateException("no port free on all of " + Arrays.toString(hosts));
  }

  private static boolean freeOnAll(int port, String... hosts) {
    for (String host : hosts) {
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host))) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    if (adminChannel != null) {
      adminChannel.shutdownNow();
    }
    for (int i = programs.size() - 1; i >= 0; i--) {
      programs.get(i).close();
    }
  }
}
