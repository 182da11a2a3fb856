package dev.weir.control;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.metrics.MetricsServer;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.control.admin.AdminServiceImpl;
import dev.weir.control.admin.AnsweredByInterceptor;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.ha.Membership;
import dev.weir.control.ha.StoreBackend;
import dev.weir.control.ha.StoreSpec;
import dev.weir.control.history.ActorInterceptor;
import dev.weir.control.history.RevisionHistory;
import dev.weir.control.metrics.ControlPlaneMetrics;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.replicas.ReplicaFeed;
import dev.weir.control.replicas.ReplicaMesh;
import dev.weir.control.replicas.ReplicaServiceImpl;
import dev.weir.control.replicas.ReplicaSettings;
import dev.weir.control.view.FleetView;
import dev.weir.control.watch.FleetEventBus;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running control plane: the store (a data dir, or etcd shared with other replicas), the pools,
 * the fleet, and the gRPC server serving {@code AdminService} and {@code ProxyService}.
 *
 * <p>The server builder comes from the caller, so tests can pass an in-process one.
 */
public final class ControlPlane implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
  private static final long SHUTDOWN_GRACE_SECONDS = 5;

  /**
   * The largest message either API accepts; bigger ones fail with RESOURCE_EXHAUSTED before they
   * are parsed. Admin requests are far smaller; a stats report from a proxy serving the largest
   * configuration {@link dev.weir.control.pool.ConfigLimits} allows is under 5 MB.
   */
  public static final int MAX_INBOUND_MESSAGE_BYTES = 8 * 1024 * 1024;

  private final Path dataDir;
  private final ServerBuilder<?> serverBuilder;
  private final Clock clock;
  private final CountDownLatch closed = new CountDownLatch(1);
  // grpc.health.v1: SERVING once started, NOT_SERVING from the moment shutdown begins.
  private final HealthStatusManager health = new HealthStatusManager();

  @GuardedBy("this")
  private boolean started;

  @GuardedBy("this")
  private boolean closing;

  @GuardedBy("this")
  private InetSocketAddress metricsAddress;

  // Null: ProxyService is served by the admin server.
  @GuardedBy("this")
  private ServerBuilder<?> proxyServerBuilder;

  @GuardedBy("this")
  private StoreSpec storeSpec = EmbeddedStoreBackend.spec();

  @GuardedBy("this")
  private ReplicaSettings replicaSettings = ReplicaSettings.plaintext("127.0.0.1");

  // Set by start() while holding this; close() reads them after taking this.
  private StoreBackend store;
  private FleetEventBus events;
  private ProxyFleet fleet;
  private FleetView view;
  private Server server;
  private Server proxyServer;
  private MetricsServer metrics;
  private ReplicaMesh mesh;
  private Membership membership = Membership.NONE;

  public ControlPlane(Path dataDir, ServerBuilder<?> serverBuilder, Clock clock) {
    this.dataDir = dataDir;
    this.serverBuilder = serverBuilder;
    this.clock = clock;
  }

  /** Also serve Prometheus metrics on {@code address} (port 0: any free one); before start. */
  public synchronized ControlPlane metricsAddress(InetSocketAddress address) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    this.metricsAddress = address;
    return this;
  }

  /** Keep the configuration in {@code spec}'s store (default: the data dir); before start. */
  public synchronized ControlPlane storage(StoreSpec spec) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    this.storeSpec = spec;
    return this;
  }

  /**
   * How this control plane is known to the other replicas of a shared store and calls them; before
   * start. Without a shared store it only names this control plane in answers.
   */
  public synchronized ControlPlane replicas(ReplicaSettings settings) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    this.replicaSettings = Objects.requireNonNull(settings);
    return this;
  }

  /**
   * Serves ProxyService from a server of its own, built by {@code builder}, instead of next to
   * AdminService; before start. Both servers also serve grpc.health.v1.
   */
  public synchronized ControlPlane proxyServer(ServerBuilder<?> builder) {
    if (started) {
      throw new IllegalStateException("already started");
    }
    this.proxyServerBuilder = builder;
    return this;
  }

  /**
   * Loads the configuration and starts serving.
   *
   * @throws dev.weir.control.store.StoreCorruptException if the stored state cannot be trusted
   * @throws dev.weir.control.store.StoreLockedException if another control plane uses the dir
   * @throws IOException if the state cannot be read or the server cannot bind
   */
  public synchronized ControlPlane start() throws IOException {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      // First, so every part built below can publish into it.
      events = new FleetEventBus(clock);
      store = storeSpec.open(dataDir);
      PoolRegistry pools = PoolRegistry.load(store.store(), clock, events);
      ConfigSnapshot loaded = pools.current();
      log.info(
          "loaded config version {} ({} pools) from {}",
          loaded.getVersion(),
          loaded.getPoolsCount(),
          store.location());
      events.configChanged(loaded);
      pools.addListener(events);
      fleet = ProxyFleet.builder(pools, clock).events(events).build();
      view = new FleetView(pools, fleet, clock, events, store.leadership()).start();
      store.start(pools);
      // Other replicas follow this one's proxies through ReplicaService, next to ProxyService.
      membership = store.membership();
      ReplicaFeed feed = membership == Membership.NONE ? null : new ReplicaFeed(fleet, clock);
      if (metricsAddress != null) {
        // Before the server: counting starts with the first proxy, and a port that cannot be
        // bound fails the start.
        try {
          metrics =
              MetricsServer.start(
                  metricsAddress,
                  ControlPlaneMetrics.attach(fleet, pools, events, store.leadership()));
        } catch (IOException e) {
          throw new IOException(
              "cannot serve metrics on "
                  + metricsAddress.getHostString()
                  + ":"
                  + metricsAddress.getPort()
                  + ": "
                  + e.getMessage(),
              e);
        }
        log.info(
            "serving metrics on http://{}:{}/metrics",
            metricsAddress.getHostString(),
            metrics.port());
      }
      if (proxyServerBuilder != null) {
        // First, so proxies can reconnect before operators are told the plane is up.
        proxyServerBuilder
            .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
            .addService(WellFormedRequests.guard(fleet.service()))
            .addService(health.getHealthService());
        if (feed != null) {
          proxyServerBuilder.addService(
              WellFormedRequests.guard(new ReplicaServiceImpl(feed, fleet, pools).bindService()));
        }
        proxyServer = proxyServerBuilder.build().start();
      } else {
        serverBuilder.addService(WellFormedRequests.guard(fleet.service()));
        if (feed != null) {
          serverBuilder.addService(
              WellFormedRequests.guard(new ReplicaServiceImpl(feed, fleet, pools).bindService()));
        }
      }
      server =
          serverBuilder
              .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
              .addService(
                  WellFormedRequests.guard(
                      ServerInterceptors.intercept(
                          new AdminServiceImpl(
                              pools,
                              fleet,
                              events,
                              new RevisionHistory(store.store(), pools),
                              view,
                              clock),
                          new ActorInterceptor(),
                          new AnsweredByInterceptor())))
              .addService(health.getHealthService())
              .addService(ProtoReflectionServiceV1.newInstance())
              .build()
              .start();
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      health.setStatus(AdminServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
      health.setStatus(ProxyServiceGrpc.SERVICE_NAME, ServingStatus.SERVING);
      int port = proxyServer != null ? proxyServer.getPort() : server.getPort();
      String address = port < 0 ? "in-process" : replicaSettings.addressFor(port);
      String id = replicaSettings.idFor(address);
      fleet.replicaId(id);
      // An in-process server (tests) has no address another replica could dial.
      if (feed != null && port >= 0) {
        mesh =
            new ReplicaMesh(
                    id,
                    fleet,
                    feed,
                    replicaSettings.credentials(),
                    () -> pools.current().getFleetId(),
                    clock,
                    MAX_INBOUND_MESSAGE_BYTES)
                .start();
        membership.join(id, address, mesh);
        log.info(
            "this replica is {} at {}; following the others registered in {}",
            id,
            address,
            store.location());
      }
      return this;
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Whether this control plane runs the single-writer duties (adaptive weights, history compaction)
   * among the replicas sharing its store; always, with the embedded store.
   */
  public synchronized boolean isLeader() {
    if (store == null) {
      throw new IllegalStateException("not started");
    }
    return store.leadership().isLeader();
  }

  /** The port /metrics is served on; -1 without {@link #metricsAddress}. */
  public synchronized int metricsPort() {
    return metrics != null ? metrics.port() : -1;
  }

  /** The port the server listens on (-1 for transports without one, such as in-process). */
  public synchronized int port() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return server.getPort();
  }

  /** The port ProxyService is served on: {@link #port()} unless it has a server of its own. */
  public synchronized int proxyPort() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return proxyServer != null ? proxyServer.getPort() : server.getPort();
  }

  /**
   * Ends proxy streams, lets admin calls in progress finish (for up to 5 seconds), stops the server
   * and releases the data dir. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    // First, so health checkers stop sending work here while the rest shuts down.
    health.enterTerminalState();
    try {
      // First, so the other replicas hear at once that this one's proxies are moving.
      membership.close();
      if (mesh != null) {
        mesh.close();
      }
      if (events != null) {
        events.close();
      }
      if (fleet != null) {
        fleet.close();
      }
      if (view != null) {
        view.close();
      }
      if (server != null) {
        stop(server);
      }
      if (proxyServer != null) {
        stop(proxyServer);
      }
      if (metrics != null) {
        metrics.close();
      }
      if (store != null) {
        store.close();
      }
    } catch (IOException e) {
      log.warn("could not release the data dir cleanly", e);
    } finally {
      closed.countDown();
    }
    if (server != null) {
      log.info("weir-control stopped");
    }
  }

  /** Blocks until {@link #close} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private static void stop(Server server) {
    server.shutdown();
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS)) {
        log.warn("calls still running after {} s; cancelling them", SHUTDOWN_GRACE_SECONDS);
        server.shutdownNow();
        server.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
