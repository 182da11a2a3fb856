package dev.weir.proxy;

import dev.weir.api.auth.BearerToken;
import dev.weir.api.logging.LogFormat;
import dev.weir.api.tls.ClientCredentials;
import dev.weir.api.wire.ProxyId;
import dev.weir.proxy.control.ControlPlaneAddresses;
import dev.weir.proxy.metrics.MetricsAddressConverter;
import dev.weir.proxy.transport.Transport;
import io.grpc.ChannelCredentials;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The weir-proxy command: its flags, checked into {@link ProxySettings}, from which it starts a
 * {@link ProxyServer} and serves until SIGTERM. Exit codes: 0 after a clean shutdown (or {@code
 * --help}, {@code --version}), 2 for bad flags or a metrics address it cannot listen on, 1 if it
 * cannot start otherwise.
 */
@Command(
    name = "weir-proxy",
    mixinStandardHelpOptions = true,
    versionProvider = WeirProxy.Version.class,
    description = {
      "Relays client TCP connections to backends, as configured by a Weir control plane.",
      "Keeps serving its last configuration while the control plane is away."
    },
    footer = {
      "",
      "Example:",
      "  weir-proxy --control-plane 10.0.0.1:9900 --id edge-1 --bind-address 0.0.0.0",
      "  weir-proxy --control-plane cp-1:9901,cp-2:9901 --tls-ca ca.pem \\",
      "      --tls-cert edge-1.pem --tls-key edge-1.key"
    })
public final class WeirProxy implements Callable<Integer> {

  static {
    // Before any logger is made: setting the format in main() came after some, so no timestamps.
    LogFormat.useDefaults();
  }

  @Spec CommandSpec spec;

  static final String TOKEN_VARIABLE = "WEIR_PROXY_TOKEN";

  @Option(
      names = "--control-plane",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      defaultValue = "127.0.0.1:9900",
      description =
          "Control plane to connect to; several replicas separated by commas, of which "
              + "the proxy uses one and moves to another when it goes away "
              + "(default: ${DEFAULT-VALUE}).")
  String controlPlane;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "Connect with TLS, trusting the control plane's certificate if these PEM CA "
              + "certificates vouch for it.")
  Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "Connect with TLS, presenting this PEM client certificate chain (with "
              + "--tls-key) to a control plane that verifies proxies (mutual TLS).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "The PEM (PKCS#8) private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description =
          "Authenticate with the bearer token in this file (else $"
              + TOKEN_VARIABLE
              + ", if set), instead of or as well as a client certificate; sent only over TLS.")
  Path tokenFile;

  @Option(
      names = "--id",
      paramLabel = "NAME",
      description = "Proxy id, unique in the fleet: [A-Za-z0-9._-]{1,128} (default: host name).")
  String id;

  @Option(
      names = "--bind-address",
      paramLabel = "IP",
      description =
          "Address to bind every pool's port on (default: each pool's listen host, "
              + "or all interfaces).")
  String bindAddress;

  @Option(
      names = "--stats-interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "How often to report stats to the control plane (default: ${DEFAULT-VALUE}).")
  Duration statsInterval;

  @Option(
      names = "--connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "3s",
      converter = DurationConverter.class,
      description =
          "Time allowed to connect to a backend before trying another "
              + "(default: ${DEFAULT-VALUE}).")
  Duration connectTimeout;

  @Option(
      names = "--event-loops",
      paramLabel = "N",
      description = "Event-loop threads relaying traffic (default: number of cores).")
  int eventLoops = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--transport",
      paramLabel = "NAME",
      defaultValue = "auto",
      description =
          "Socket I/O: auto (io_uring where the kernel allows it and the open-file "
              + "limit is at least 16384, else epoll, else nio), io_uring, epoll or nio (default: "
              + "${DEFAULT-VALUE}).")
  String transportName;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "Client connections open at once over all pools; more are reset at accept "
              + "and counted (default: half of what the open-file limit leaves after a reserve, "
              + "since each takes two file descriptors; the reserve, at least 256, counts what is "
              + "open at start, 6 per core, 16 per event loop and 64 more; at most one per 4 KiB of "
              + "heap beyond 64 MiB).")
  Long maxConnections;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      defaultValue = "weir-proxy-state",
      description =
          "Where the last applied config is kept, as ID.snapshot, so a restart can "
              + "serve it while the control plane is away (default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "On SIGTERM, how long open connections may finish before they are closed "
              + "(default: ${DEFAULT-VALUE}).")
  Duration shutdownTimeout;

  @Option(
      names = "--metrics",
      paramLabel = "HOST:PORT",
      converter = MetricsAddressConverter.class,
      description =
          "Serve Prometheus metrics on this address, path /metrics, such as "
              + "0.0.0.0:9100 (default: not served).")
  InetSocketAddress metricsAddress;

  // Where $WEIR_PROXY_TOKEN comes from.
  private final UnaryOperator<String> environment;

  public WeirProxy() {
    this(System::getenv);
  }

  /** Reads $WEIR_PROXY_TOKEN from {@code environment} instead of the process's. */
  WeirProxy(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new WeirProxy()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ProxyServer server = start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownGracefully, "weir-shutdown"));
    server.awaitStopped();
    return 0;
  }

  /**
   * Checks the flags, then starts a proxy with them; the caller stops it.
   *
   * @throws CommandLine.ParameterException naming the flag at fault
   */
  public ProxyServer start() throws IOException {
    ProxySettings settings = settings();
    try {
      return new ProxyServer(settings).start();
    } catch (ProxyServer.MetricsUnavailableException e) {
      InetSocketAddress address = e.address();
      throw new CommandLine.ParameterException(
          commandLine(),
          "--metrics "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": cannot listen: "
              + e.getCause().getMessage(),
          e.getCause());
    }
  }

  /**
   * The flags, checked, as settings.
   *
   * @throws CommandLine.ParameterException naming the flag at fault
   */
  public ProxySettings settings() throws IOException {
    String proxyId = id != null ? id : InetAddress.getLocalHost().getHostName();
    Optional<String> badId = ProxyId.problem("--id", proxyId);
    if (badId.isPresent()) {
      throw new CommandLine.ParameterException(commandLine(), badId.get());
    }
    if (eventLoops < 1) {
      throw new CommandLine.ParameterException(
          commandLine(), "--event-loops must be at least 1, got " + eventLoops);
    }
    ControlPlaneAddresses replicas;
    try {
      replicas = ControlPlaneAddresses.parse(controlPlane);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(
          commandLine(), "--control-plane must be HOST:PORT[,HOST:PORT...]: " + e.getMessage());
    }
    ChannelCredentials credentials = channelCredentials();
    if (bindAddress != null && !isIpLiteral(bindAddress)) {
      throw new CommandLine.ParameterException(
          commandLine(),
          "--bind-address must be an IP address such as 127.0.0.2 or ::, got '"
              + bindAddress
              + "'");
    }
    if (maxConnections != null && maxConnections < 1) {
      throw new CommandLine.ParameterException(
          commandLine(), "--max-connections must be at least 1, got " + maxConnections);
    }
    Transport transport;
    try {
      transport = Transport.named(transportName, ProxyServer.maxFileDescriptors());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine(), "--transport " + e.getMessage());
    }
    return new ProxySettings(
        proxyId,
        replicas,
        credentials,
        tlsCa,
        tlsCert,
        bindAddress,
        statsInterval,
        connectTimeout,
        eventLoops,
        transport,
        maxConnections,
        stateDir,
        shutdownTimeout,
        metricsAddress);
  }

  /**
   * TLS if a --tls-* flag asks for it, and a bearer token from --token-file or the environment.
   * Checked before anything starts: a token without TLS would never be sent.
   */
  private ChannelCredentials channelCredentials() throws IOException {
    BearerToken token;
    ChannelCredentials transport;
    try {
      transport =
          ClientCredentials.create(
              new ClientCredentials.File(tlsCa, "--tls-ca"),
              new ClientCredentials.File(tlsCert, "--tls-cert"),
              new ClientCredentials.File(tlsKey, "--tls-key"));
      if (tokenFile != null) {
        token =
            BearerToken.fromFile(
                ClientCredentials.readable(new ClientCredentials.File(tokenFile, "--token-file")),
                "--token-file");
      } else {
        String fromEnvironment = environment.apply(TOKEN_VARIABLE);
        token =
            fromEnvironment == null || fromEnvironment.isEmpty()
                ? null
                : BearerToken.of(fromEnvironment, "$" + TOKEN_VARIABLE);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine(), e.getMessage());
    }
    if (token != null && tlsCa == null && tlsCert == null) {
      throw new CommandLine.ParameterException(
          commandLine(),
          "a token (--token-file or $" + TOKEN_VARIABLE + ") is only sent over TLS: add --tls-ca");
    }
    return ClientCredentials.withToken(transport, token);
  }

  // The instance picocli runs, so usage errors go to its (possibly redirected) stderr.
  private CommandLine commandLine() {
    return spec != null ? spec.commandLine() : new CommandLine(this);
  }

  private static boolean isIpLiteral(String host) {
    // Netty's check parses without a DNS lookup.
    return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"weir-proxy " + ProxyServer.version()};
    }
  }
}
