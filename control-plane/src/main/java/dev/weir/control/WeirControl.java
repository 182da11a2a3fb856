package dev.weir.control;

import dev.weir.api.logging.LogFormat;
import dev.weir.api.wire.DurationText;
import dev.weir.api.wire.HostPort;
import dev.weir.control.replicas.ReplicaOptions;
import dev.weir.control.replicas.ReplicaSettings;
import dev.weir.control.security.SecurityOptions;
import dev.weir.control.security.ServerSecurity;
import dev.weir.control.transport.ConnectionGate;
import dev.weir.control.transport.ServerConnections;
import dev.weir.control.transport.TransportFailureLog;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The {@code weir-control} command.
 *
 * <p>Once serving it prints one line to stdout, {@code weir-control listening on HOST:PORT} with
 * the admin API's bound port, for scripts to read, and with {@code --proxy-listen} a second, {@code
 * weir-control serving proxies on HOST:PORT}. Exit codes: 0 after a clean shutdown (or {@code
 * --help}, {@code --version}), 1 if it cannot start, 2 for bad arguments.
 */
@Command(
    name = "weir-control",
    mixinStandardHelpOptions = true,
    versionProvider = WeirControl.Version.class,
    description = "Runs the Weir control plane: stores the pools and pushes them to the proxies.",
    footer = {
      "%nExamples:",
      "  weir-control --listen 127.0.0.1:9900 --data-dir /var/lib/weir-control",
      "  weir-control --listen 127.0.0.1:9900 --proxy-listen 0.0.0.0:9901 \\",
      "      --metrics 127.0.0.1:9465             # Prometheus scrapes /metrics there",
      "  weir-control --listen 10.0.0.1:9900 --store etcd \\",
      "      --etcd-endpoints http://10.0.0.5:2379,http://10.0.0.6:2379"
    })
public final class WeirControl implements Callable<Integer> {
  static final int EXIT_CANNOT_START = 1;

  static {
    LogFormat.useDefaults();
  }

  // Proxies ping every ~20 s; allowing half that leaves room for timer jitter before gRPC would
  // answer "too many pings" and drop them.
  private static final long PERMIT_KEEPALIVE_SECONDS = 10;
  // Our own pings find proxies that vanished without closing their streams.
  private static final long KEEPALIVE_SECONDS = 30;
  private static final long KEEPALIVE_TIMEOUT_SECONDS = 10;

  @Option(
      names = {"--admin-listen", "--listen"},
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9900",
      converter = ListenConverter.class,
      description =
          "Address for the admin API (and the proxy API unless --proxy-listen); "
              + "port 0 picks a free one (default: ${DEFAULT-VALUE}: loopback only).")
  private HostPort listen;

  @Option(
      names = "--proxy-listen",
      paramLabel = "HOST:PORT",
      converter = ListenConverter.class,
      description =
          "A separate address for the proxy API, so that the admin API can stay "
              + "on loopback (default: the admin address).")
  private HostPort proxyListen;

  @Mixin private SecurityOptions securityOptions = new SecurityOptions();

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      defaultValue = "weir-control-data",
      description =
          "Directory for the stored configuration, created if missing "
              + "(default: ${DEFAULT-VALUE}).")
  private Path dataDir;

  @Option(
      names = "--metrics",
      paramLabel = "HOST:PORT",
      converter = ListenConverter.class,
      description = "Serve Prometheus metrics on this address, path /metrics (default: off).")
  private HostPort metrics;

  @Mixin private StoreOptions store = new StoreOptions();

  @Mixin private ReplicaOptions replicas = new ReplicaOptions();

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Connections held at once over the admin and proxy ports; at the cap the "
              + "oldest one that has not started speaking gRPC is closed for a new one (default: the "
              + "open-file limit less 256).")
  private Integer maxConnections;

  @Option(
      names = "--handshake-timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "How long a new connection may take to finish the TLS handshake and start "
              + "speaking gRPC before it is closed, e.g. 500ms or 10s (default: ${DEFAULT-VALUE}).")
  private Duration handshakeTimeout;

  private final PrintStream out;
  private final PrintStream err;
  // Set by open(), read by announce() on the same thread.
  private ServerSecurity security;

  WeirControl(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    int code = execute(args, System.out, System.err);
    // Only failures exit here: after a signal the JVM is already shutting down.
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses {@code args} and runs; returns the exit code. Blocks while serving. */
  static int execute(String[] args, PrintStream out, PrintStream err) {
    return commandLine(new WeirControl(out, err)).execute(args);
  }

  static CommandLine commandLine(WeirControl command) {
    return new CommandLine(command)
        .setOut(new PrintWriter(command.out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(command.err, true, StandardCharsets.UTF_8));
  }

  @Override
  public Integer call() throws InterruptedException {
    ControlPlane plane;
    try {
      plane = open();
    } catch (IOException | IllegalArgumentException e) {
      err.println("weir-control: cannot start: " + e.getMessage());
      return EXIT_CANNOT_START;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  plane.close();
                  // A JVM stopped by SIGTERM or SIGINT exits 143 or 130 even after a clean
                  // shutdown;
                  // halting here reports the clean shutdown as 0. Runs last: close() has finished.
                  Runtime.getRuntime().halt(0);
                },
                "weir-control-shutdown"));
    announce(plane);
    plane.awaitClosed();
    return 0;
  }

  /** Starts serving and prints the listening line; the caller closes the result. */
  ControlPlane start() throws IOException {
    ControlPlane plane = open();
    announce(plane);
    return plane;
  }

  private ControlPlane open() throws IOException {
    TransportFailureLog.install();
    security = ServerSecurity.from(securityOptions);
    if (maxConnections != null && maxConnections < 1) {
      throw new IllegalArgumentException(
          "--max-connections must be at least 1, got " + maxConnections);
    }
    // One gate for both ports: they share the process's file descriptors.
    ServerConnections connections =
        new ServerConnections(
            new ConnectionGate(
                maxConnections != null
                    ? maxConnections
                    : ConnectionGate.defaultLimit(maxFileDescriptors())),
            handshakeTimeout);
    InetSocketAddress address = resolve(listen);
    ControlPlane plane =
        new ControlPlane(dataDir, serverBuilder(address, security, connections), Clock.systemUTC())
            .storage(store.storeSpec())
            .replicas(
                new ReplicaSettings(
                    replicas.id(),
                    replicas.address(),
                    (proxyListen != null ? proxyListen : listen).host(),
                    replicas.credentials(securityOptions)));
    if (proxyListen != null) {
      plane.proxyServer(serverBuilder(resolve(proxyListen), security, connections));
    }
    if (metrics != null) {
      InetSocketAddress metricsAddress = new InetSocketAddress(metrics.host(), metrics.port());
      if (metricsAddress.isUnresolved()) {
        throw new IOException(
            "cannot serve metrics on " + metrics + ": unknown host " + metrics.host());
      }
      plane.metricsAddress(metricsAddress);
    }
    try {
      return plane.start();
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("Failed to bind")) {
        // Which of the two servers: grpc's message names the address it could not bind.
        HostPort failed =
            proxyListen != null && !e.getMessage().contains(":" + listen.port())
                ? proxyListen
                : listen;
        throw new IOException("cannot listen on " + failed + ": " + rootMessage(e), e);
      }
      throw e;
    }
  }

  private static InetSocketAddress resolve(HostPort listen) throws IOException {
    InetSocketAddress address = new InetSocketAddress(listen.host(), listen.port());
    if (address.isUnresolved()) {
      throw new IOException("cannot listen on " + listen + ": unknown host " + listen.host());
    }
    return address;
  }

  private static NettyServerBuilder serverBuilder(
      InetSocketAddress address, ServerSecurity security, ServerConnections connections) {
    return security.secure(
        connections
            .apply(NettyServerBuilder.forAddress(address, security.credentials()))
            .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  private void announce(ControlPlane plane) {
    security.report(
        proxyListen == null ? "admin and proxy API" : "admin API",
        new InetSocketAddress(listen.host(), plane.port()));
    if (proxyListen != null) {
      security.report("proxy API", new InetSocketAddress(proxyListen.host(), plane.proxyPort()));
    }
    out.println("weir-control listening on " + new HostPort(listen.host(), plane.port()));
    if (proxyListen != null) {
      out.println(
          "weir-control serving proxies on " + new HostPort(proxyListen.host(), plane.proxyPort()));
    }
    out.flush();
  }

  private static long maxFileDescriptors() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.toString();
  }

  /** Reads --listen: like a pool's listen address, but the host is required and port 0 allowed. */
  static final class ListenConverter implements CommandLine.ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      if (value.matches("[0-9]{1,5}")) {
        throw new CommandLine.TypeConversionException(
            "\""
                + value
                + "\" has no colon; use "
                + "HOST:PORT, e.g. 127.0.0.1:"
                + value
                + ", or 0.0.0.0:"
                + value
                + " for every interface");
      }
      HostPort parsed;
      try {
        parsed = HostPort.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "\""
                + value
                + "\" is invalid: "
                + e.getMessage()
                + "; use HOST:PORT, e.g. "
                + "127.0.0.1:9900 or [::]:9900");
      }
      if (parsed.host().isEmpty()) {
        throw new CommandLine.TypeConversionException(
            "\"" + value + "\" has no host; use HOST:PORT, e.g. 0.0.0.0:9900 for all interfaces");
      }
      return parsed;
    }
  }

  /** Reads a duration as every Weir command line does: 500ms, 10s, 2m, 1h or ISO-8601 PT5S. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return DurationText.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = WeirControl.class.getPackage().getImplementationVersion();
      return new String[] {"weir-control " + (version != null ? version : "(development build)")};
    }
  }
}
