package dev.weir.proxy;

import dev.weir.api.logging.LogFormat;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.control.ControlPlaneClient;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.listen.ListenerSet;
import dev.weir.proxy.metrics.MetricsAddressConverter;
import dev.weir.proxy.metrics.MetricsServer;
import dev.weir.proxy.metrics.MetricsSource;
import dev.weir.api.auth.BearerToken;
import dev.weir.proxy.control.ControlPlaneAddresses;
import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The weir-proxy program. */
@Command(
    name = "weir-proxy",
    mixinStandardHelpOptions = true,
    versionProvider = WeirProxy.Version.class,
    description = {
      "Relays client TCP connections to backends, as configured by a Weir control plane.",
      "Keeps serving its last configuration while the control plane is away."
    },
    footer = {
      "", "Example:",
      "  weir-proxy --control-plane 10.0.0.1:9900 --id edge-1 --bind-address 0.0.0.0",
      "  weir-proxy --control-plane cp-1:9901,cp-2:9901 --tls-ca ca.pem \\",
      "      --tls-cert edge-1.pem --tls-key edge-1.key"
    })
public final class WeirProxy implements Callable<Integer>, AutoCloseable {

  static {
    // Before the logger below: setting the format in main() came after it, so no timestamps.
    LogFormat.useDefaults();
  }

  private static final Logger log = LoggerFactory.getLogger(WeirProxy.class);
  @Spec CommandSpec spec;

  private static final Pattern PROXY_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  static final String TOKEN_VARIABLE = "WEIR_PROXY_TOKEN";

  @Option(names = "--control-plane", paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "127.0.0.1:9900",
      description = "Control plane to connect to; several replicas separated by commas, of which "
          + "the proxy uses one and moves to another when it goes away "
          + "(default: ${DEFAULT-VALUE}).")
  String controlPlane;

  @Option(names = "--tls-ca", paramLabel = "FILE",
      description = "Connect with TLS, trusting the control plane's certificate if these PEM CA "
          + "certificates vouch for it.")
  Path tlsCa;

  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Connect with TLS, presenting this PEM client certificate chain (with "
          + "--tls-key) to a control plane that verifies proxies (mutual TLS).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "Authenticate with the bearer token in this file (else $" + TOKEN_VARIABLE
          + ", if set), instead of or as well as a client certificate; sent only over TLS.")
  Path tokenFile;

  // Where $WEIR_PROXY_TOKEN comes from; tests replace it.
  UnaryOperator<String> environment = System::getenv;

  @Option(names = "--id", paramLabel = "NAME",
      description = "Proxy id, unique in the fleet: [A-Za-z0-9._-]{1,128} (default: host name).")
  String id;

  @Option(names = "--bind-address", paramLabel = "IP",
      description = "Address to bind every pool's port on (default: each pool's listen host, "
          + "or all interfaces).")
  String bindAddress;

  @Option(names = "--stats-interval", paramLabel = "DURATION", defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to report stats to the control plane (default: ${DEFAULT-VALUE}).")
  Duration statsInterval;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "3s",
      converter = DurationConverter.class,
      description = "Time allowed to connect to a backend before trying another "
          + "(default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Event-loop threads relaying traffic (default: number of cores).")
  int eventLoops = Runtime.getRuntime().availableProcessors();

  @Option(names = "--transport", paramLabel = "NAME", defaultValue = "auto",
      description = "Socket I/O: auto (io_uring where the kernel allows it and the open-file "
          + "limit is at least 16384, else epoll, else nio), io_uring, epoll or nio (default: "
          + "${DEFAULT-VALUE}).")
  String transportName;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Client connections open at once over all pools; more are reset at accept "
          + "and counted (default: half of what the open-file limit leaves after a reserve, "
          + "since each takes two file descriptors; the reserve, at least 256, counts what is "
          + "open at start, 6 per core, 16 per event loop and 64 more; at most one per 4 KiB of "
          + "heap beyond 64 MiB).")
  Long maxConnections;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "weir-proxy-state",
      description = "Where the last applied config is kept, as ID.snapshot, so a restart can "
          + "serve it while the control plane is away (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--shutdown-timeout", paramLabel = "DURATION", defaultValue = "30s",
      converter = DurationConverter.class,
      description = "On SIGTERM, how long open connections may finish before they are closed "
          + "(default: ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", converter = MetricsAddressConverter.class,
      description = "Serve Prometheus metrics on this address, path /metrics, such as "
          + "0.0.0.0:9100 (default: not served).")
  InetSocketAddress metricsAddress;

  private final CountDownLatch stopped = new CountDownLatch(1);
  private EventLoopGroup group;
  private ListenerSet listeners;
  private ManagedChannel channel;
  private ScheduledExecutorService scheduler;
  private ScheduledExecutorService bindRetries;
  // Saves each applied config to --state-dir, in order, off the control stream's thread.
  private final ExecutorService saver = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "weir-state-save");
    t.setDaemon(true);
    return t;
  });
  // Volatile: metrics scrapes read it, through controlPlaneConnected(), from their own thread.
  private volatile ControlPlaneClient client;
  private MetricsServer metrics;
  private boolean closed;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WeirProxy()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    start();
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdownGracefully, "weir-shutdown"));
    stopped.await();
    return 0;
  }

  /**
   * Starts serving: the saved config at once if there is one, then whatever the control plane
   * sends.
   */
  public synchronized void start() throws Exception {
    if (id == null) {
      id = InetAddress.getLocalHost().getHostName();
    }
    if (!PROXY_ID.matcher(id).matches()) {
      throw new CommandLine.ParameterException(commandLine(),
          "--id must be 1..128 of [A-Za-z0-9._-], got '" + id + "'");
    }
    if (eventLoops < 1) {
      throw new CommandLine.ParameterException(commandLine(),
          "--event-loops must be at least 1, got " + eventLoops);
    }
    ControlPlaneAddresses replicas;
    try {
      replicas = ControlPlaneAddresses.parse(controlPlane);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine(),
          "--control-plane must be HOST:PORT[,HOST:PORT...]: " + e.getMessage());
    }
    ChannelCredentials credentials = channelCredentials();
    if (bindAddress != null && !isIpLiteral(bindAddress)) {
      throw new CommandLine.ParameterException(commandLine(),
          "--bind-address must be an IP address such as 127.0.0.2 or ::, got '" + bindAddress
              + "'");
    }
    if (maxConnections != null && maxConnections < 1) {
      throw new CommandLine.ParameterException(commandLine(),
          "--max-connections must be at least 1, got " + maxConnections);
    }
    Transport transport;
    try {
      transport = Transport.named(transportName, maxFileDescriptors());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine(), "--transport " + e.getMessage());
    }
    group = transport.newEventLoopGroup(eventLoops, "weir-relay");
    // After the event loops, so the descriptors they hold are counted.
    ConnectionBudget budget = new ConnectionBudget(maxConnections != null
        ? maxConnections
        : ConnectionBudget.defaultLimit(maxFileDescriptors(), openFileDescriptors(),
            Runtime.getRuntime().availableProcessors(), eventLoops,
            transport.acceptsInBursts() ? Transport.ACCEPT_BACKLOG : 0,
            Runtime.getRuntime().maxMemory()));
    bindRetries = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "weir-bind-retry");
      t.setDaemon(true);
      return t;
    });
    // A pool whose port is taken is retried by itself: 1 s doubling to 30 s, with jitter.
    listeners = new ListenerSet(group, transport, eventLoops, connectTimeout, statsInterval,
        bindAddress, budget, bindRetries,
        new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
            () -> ThreadLocalRandom.current().nextDouble()));
    if (metricsAddress != null) {
      metrics = startMetrics(listeners);
    }
    DataPlane dataPlane =
        new DataPlane(listeners, new LastConfigFile(stateDir.resolve(id + ".snapshot")), saver);
    dataPlane.restore();

    channel = NettyChannelBuilder.forTarget(replicas.target(), credentials)
        .nameResolverFactory(replicas)
        .defaultServiceConfig(replicas.serviceConfig())
        .keepAliveTime(20, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        // The control plane keeps a stored config under 3 MiB (ConfigLimits) and takes messages
        // up to 8 MiB itself; the same bound here leaves room and nothing more.
        .maxInboundMessageSize(8 * 1024 * 1024)
        .build();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "weir-control-client");
      t.setDaemon(true);
      return t;
    });
    Hello hello = Hello.newBuilder()
        .setProxyId(id)
        .setHostname(InetAddress.getLocalHost().getHostName())
        .setVersion(Version.weirVersion())
        .build();
    client = new ControlPlaneClient(channel, replicas.toString(), hello, dataPlane, scheduler,
        statsInterval,
        new ReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(5),
            () -> ThreadLocalRandom.current().nextDouble()),
        Clock.systemUTC())
        .tlsFiles(tlsCa, tlsCert);
    client.start();
    log.info("weir-proxy {} started: transport {}, {} event loops, at most {} connections, "
        + "control plane {}", id, transport.description(), eventLoops, budget.limit(), controlPlane);
  }

  /**
   * TLS if a --tls-* flag asks for it, and a bearer token from --token-file or the environment.
   * Checked before anything starts: a token without TLS would never be sent.
   */
  private ChannelCredentials channelCredentials() throws IOException {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(commandLine(),
          "--tls-cert and --tls-key go together; give both");
    }
    boolean tls = tlsCa != null || tlsCert != null;
    ChannelCredentials transport = InsecureChannelCredentials.create();
    if (tls) {
      TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
      if (tlsCa != null) {
        builder.trustManager(readable(tlsCa, "--tls-ca").toFile());
      }
      if (tlsCert != null) {
        builder.keyManager(readable(tlsCert, "--tls-cert").toFile(),
            readable(tlsKey, "--tls-key").toFile());
      }
      transport = builder.build();
    }
    BearerToken token;
    try {
      if (tokenFile != null) {
        token = BearerToken.fromFile(readable(tokenFile, "--token-file"), "--token-file");
      } else {
        String fromEnvironment = environment.apply(TOKEN_VARIABLE);
        token = fromEnvironment == null || fromEnvironment.isEmpty()
            ? null : BearerToken.of(fromEnvironment, "$" + TOKEN_VARIABLE);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine(), e.getMessage());
    }
    if (token == null) {
      return transport;
    }
    if (!tls) {
      throw new CommandLine.ParameterException(commandLine(), "a token (--token-file or $"
          + TOKEN_VARIABLE + ") is only sent over TLS: add --tls-ca");
    }
    return CompositeChannelCredentials.create(transport, token);
  }

  private Path readable(Path file, String option) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new CommandLine.ParameterException(commandLine(),
          option + " " + file + ": no such readable file");
    }
    return file;
  }

  /**
   * Serves /metrics, or fails the start before any pool's port is bound and before the control
   * plane hears from this proxy.
   */
  private MetricsServer startMetrics(ListenerSet served) {
    try {
      MetricsServer server = MetricsServer.start(metricsAddress, new MetricsSource(
          served::backendStats, served::listenerStats, served::version,
          this::controlPlaneConnected, served.budget(), this::configRefusal));
      log.info("serving metrics on http://{}:{}/metrics", metricsAddress.getHostString(),
          server.port());
      return server;
    } catch (IOException e) {
      served.close();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
      throw new CommandLine.ParameterException(commandLine(),
          "--metrics " + metricsAddress.getHostString() + ":" + metricsAddress.getPort()
              + ": cannot listen: " + e.getMessage(), e);
    }
  }

  /** The open-file limit, or -1 where the JVM cannot tell. */
  private static long openFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : 0;
  }

  private static long maxFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  // The instance picocli runs, so usage errors go to its (possibly redirected) stderr.
  private CommandLine commandLine() {
    return spec != null ? spec.commandLine() : new CommandLine(this);
  }

  private static boolean isIpLiteral(String host) {
    // Netty's check parses without a DNS lookup.
    return io.netty.util.NetUtil.isValidIpV4Address(host)
        || io.netty.util.NetUtil.isValidIpV6Address(host);
  }

  /** Whether the control stream is up; the proxy serves its last config either way. */
  public boolean controlPlaneConnected() {
    return client != null && client.isConnected();
  }

  /** Why the proxy refuses the control plane's config; NACK_KIND_UNSPECIFIED while it does not. */
  public NackKind configRefusal() {
    ControlPlaneClient current = client;
    return current != null ? current.refusing() : NackKind.NACK_KIND_UNSPECIFIED;
  }

  /**
   * SIGTERM: stops accepting, lets open connections finish for up to --shutdown-timeout, closes
   * the rest with FIN, then stops.
   */
  void shutdownGracefully() {
    ListenerSet toDrain;
    synchronized (this) {
      if (closed || client == null) {
        return;
      }
      toDrain = listeners;
      client.close();
    }
    log.info("weir-proxy {} shutting down: no new connections; open ones have {} ms to finish",
        id, shutdownTimeout.toMillis());
    try {
      int cut = toDrain.shutdownGracefully(shutdownTimeout);
      if (cut > 0) {
        log.info("closed {} connections still open at the shutdown deadline", cut);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Stops the control stream, closes listeners and connections, stops the event loops. */
  @Override
  public synchronized void close() {
    if (closed || client == null) {
      return;
    }
    closed = true;
    log.info("weir-proxy {} stopped", id);
    if (metrics != null) {
      metrics.close();
    }
    client.close();
    listeners.close();
    scheduler.shutdownNow();
    bindRetries.shutdownNow();
    saver.shutdown();
    try {
      // Let a save in progress finish, so the next start serves what this one last applied.
      saver.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.shutdownNow();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    stopped.countDown();
  }

  static final class Version implements CommandLine.IVersionProvider {
    static String weirVersion() {
      String v = WeirProxy.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"weir-proxy " + weirVersion()};
    }
  }
}
