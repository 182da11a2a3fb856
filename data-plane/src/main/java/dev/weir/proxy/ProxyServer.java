package dev.weir.proxy;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.weir.api.metrics.MetricsServer;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.control.ControlPlaneClient;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.listen.Pools;
import dev.weir.proxy.metrics.MetricsSource;
import dev.weir.proxy.metrics.StatsCollector;
import dev.weir.proxy.tls.TlsProviders;
import dev.weir.proxy.transport.Transport;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running weir-proxy: the event loops, the pools, the control stream, the saved last config and,
 * if asked for, the metrics endpoint, wired from {@link ProxySettings}. {@link #start} serves the
 * saved config at once if there is one, then whatever the control plane sends; {@link
 * #shutdownGracefully} drains, {@link #close} stops at once; both are idempotent.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxySettings settings;
  private final CountDownLatch stopped = new CountDownLatch(1);
  // Saves each applied config to the state dir, in order, off the control stream's thread.
  private final ExecutorService saver =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "weir-state-save");
            t.setDaemon(true);
            return t;
          });

  // Set by start() while holding this; close() reads them after taking this.
  private EventLoopGroup group;
  private Pools pools;
  private ManagedChannel channel;
  private ScheduledExecutorService scheduler;
  private ScheduledExecutorService bindRetries;
  private MetricsServer metrics;
  // Guarded by this.
  private boolean closed;
  // Volatile: metrics scrapes read it, through controlPlaneConnected(), from their own thread.
  private volatile ControlPlaneClient client;

  public ProxyServer(ProxySettings settings) {
    this.settings = settings;
  }

  /**
   * Starts serving: the saved config at once if there is one, then whatever the control plane
   * sends.
   *
   * @throws MetricsUnavailableException if /metrics cannot be served, before any pool's port is
   *     bound and before the control plane hears from this proxy
   * @throws IOException if the host name cannot be read
   */
  public synchronized ProxyServer start() throws IOException {
    if (client != null || closed) {
      throw new IllegalStateException("already started");
    }
    Transport transport = settings.transport();
    int eventLoops = settings.eventLoops();
    group = transport.newEventLoopGroup(eventLoops, "weir-relay");
    // After the event loops, so the descriptors they hold are counted.
    ConnectionBudget budget =
        new ConnectionBudget(
            settings.maxConnections() != null
                ? settings.maxConnections()
                : ConnectionBudget.defaultLimit(
                    maxFileDescriptors(),
                    openFileDescriptors(),
                    Runtime.getRuntime().availableProcessors(),
                    eventLoops,
                    transport.acceptsInBursts() ? Transport.ACCEPT_BACKLOG : 0,
                    Runtime.getRuntime().maxMemory()));
    bindRetries =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-bind-retry");
              t.setDaemon(true);
              return t;
            });
    // A pool whose port is taken is retried by itself: 1 s doubling to 30 s, with jitter.
    pools =
        new Pools(
            group,
            transport,
            eventLoops,
            settings.connectTimeout(),
            settings.statsInterval(),
            settings.bindAddress(),
            budget,
            bindRetries,
            new ReconnectBackoff(
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                () -> ThreadLocalRandom.current().nextDouble()));
    if (settings.metricsAddress() != null) {
      metrics = startMetrics(settings.metricsAddress());
    }
    AppliedConfig appliedConfig =
        new AppliedConfig(
            pools,
            new LastConfigFile(settings.stateDir().resolve(settings.id() + ".snapshot")),
            saver);
    appliedConfig.restore();

    channel =
        NettyChannelBuilder.forTarget(settings.controlPlane().target(), settings.credentials())
            .nameResolverFactory(settings.controlPlane())
            .defaultServiceConfig(settings.controlPlane().serviceConfig())
            .keepAliveTime(20, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            // The control plane keeps a stored config under 3 MiB (ConfigLimits) and takes messages
            // up to 8 MiB itself; the same bound here leaves room and nothing more.
            .maxInboundMessageSize(8 * 1024 * 1024)
            .build();
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-control-client");
              t.setDaemon(true);
              return t;
            });
    Hello hello =
        Hello.newBuilder()
            .setProxyId(settings.id())
            .setHostname(InetAddress.getLocalHost().getHostName())
            .setVersion(version())
            .build();
    client =
        new ControlPlaneClient(
                channel,
                settings.controlPlane().toString(),
                hello,
                appliedConfig,
                scheduler,
                settings.statsInterval(),
                new ReconnectBackoff(
                    Duration.ofMillis(100),
                    Duration.ofSeconds(5),
                    () -> ThreadLocalRandom.current().nextDouble()),
                Clock.systemUTC())
            .tlsFiles(settings.tlsCa(), settings.tlsCert());
    client.start();
    log.info(
        "weir-proxy {} started: transport {}, {} event loops, at most {} connections, "
            + "control plane {}",
        settings.id(),
        transport.description(),
        eventLoops,
        budget.limit(),
        settings.controlPlane());
    TlsProviders.provider(); // says which TLS engine terminating pools get, once, at start
    return this;
  }

  /** Serves /metrics, or undoes what start did so far and fails it. */
  private MetricsServer startMetrics(InetSocketAddress address) throws MetricsUnavailableException {
    try {
      MetricsServer server =
          MetricsServer.start(
              address,
              new StatsCollector(
                  new MetricsSource(
                      pools::backendStats,
                      pools::listenerStats,
                      pools::version,
                      this::controlPlaneConnected,
                      pools.budget(),
                      this::configRefusal,
                      pools::certificateExpiries)));
      log.info("serving metrics on http://{}:{}/metrics", address.getHostString(), server.port());
      return server;
    } catch (IOException e) {
      pools.close();
      bindRetries.shutdownNow();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
      closed = true;
      stopped.countDown();
      throw new MetricsUnavailableException(address, e);
    }
  }

  /** Blocks until the proxy has stopped. */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  /** Whether the control stream is up; the proxy serves its last config either way. */
  public boolean controlPlaneConnected() {
    ControlPlaneClient current = client;
    return current != null && current.isConnected();
  }

  /** Why the proxy refuses the control plane's config; NACK_KIND_UNSPECIFIED while it does not. */
  public NackKind configRefusal() {
    ControlPlaneClient current = client;
    return current != null ? current.refusing() : NackKind.NACK_KIND_UNSPECIFIED;
  }

  /**
   * SIGTERM: stops accepting, lets open connections finish for up to the shutdown timeout, closes
   * the rest with FIN, then stops.
   */
  public void shutdownGracefully() {
    Pools toDrain;
    synchronized (this) {
      if (closed || client == null) {
        return;
      }
      toDrain = pools;
      client.close();
    }
    log.info(
        "weir-proxy {} shutting down: no new connections; open ones have {} ms to finish",
        settings.id(),
        settings.shutdownTimeout().toMillis());
    try {
      int cut = toDrain.shutdownGracefully(settings.shutdownTimeout());
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
    log.info("weir-proxy {} stopped", settings.id());
    if (metrics != null) {
      metrics.close();
    }
    client.close();
    pools.close();
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

  /** The version in the jar's manifest; "dev" when run from classes. */
  static String version() {
    String v = ProxyServer.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The open-file limit, or -1 where the JVM cannot tell. */
  static long maxFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount()
        : -1;
  }

  /** The descriptors open now, or 0 where the JVM cannot tell. */
  private static long openFileDescriptors() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getOpenFileDescriptorCount()
        : 0;
  }

  /** The metrics address could not be listened on; the proxy did not start. */
  public static final class MetricsUnavailableException extends IOException {
    private final InetSocketAddress address;

    MetricsUnavailableException(InetSocketAddress address, IOException cause) {
      super(
          "cannot listen on "
              + address.getHostString()
              + ":"
              + address.getPort()
              + ": "
              + cause.getMessage(),
          cause);
      this.address = address;
    }

    public InetSocketAddress address() {
      return address;
    }
  }
}
