package dev.weir.control.fleet;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.RemoteProxy;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.api.v1.StatsReport;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.pool.PoolRegistry;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The proxies connected to this control plane: serves {@code ProxyService}, pushes every new config
 * version to each proxy, and answers what the fleet has acknowledged, applied and reported.
 */
public final class ProxyFleet implements AutoCloseable {
  /** How long a disconnected proxy stays listed. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);

  /**
   * How long a sent snapshot may go unanswered before a newer one is sent anyway: a lost answer
   * delays a proxy's next config by at most this.
   */
  public static final Duration DEFAULT_ANSWER_TIMEOUT = Duration.ofSeconds(5);

  /** How long a proxy has to answer an operator's request about its connections. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /**
   * How long the proxies of a replica that left stay unaccounted for unless they show up elsewhere:
   * long enough for them to reconnect to another replica after their backoff.
   */
  public static final Duration DEFAULT_REPLICA_LINGER = Duration.ofSeconds(15);

  private final PoolRegistry pools;
  private final Clock clock;
  private final ProxyDirectory directory;
  private final ApplyProgress progress;
  private final FleetListeners listeners = new FleetListeners();
  private final FleetListeners fleetWide = new FleetListeners();
  private final OtherReplicas others;
  private final ReplicaConnections replicaConnections;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final ServerServiceDefinition service;
  private final ConnectionQueries connections;

  public ProxyFleet(PoolRegistry pools, Clock clock) {
    this(builder(pools, clock));
  }

  public ProxyFleet(PoolRegistry pools, Clock clock, Duration retention) {
    this(builder(pools, clock).retention(retention));
  }

  private ProxyFleet(Builder builder) {
    this.pools = builder.pools;
    this.clock = builder.clock;
    this.directory = new ProxyDirectory(clock, builder.retention);
    this.progress = new ApplyProgress(clock, listeners);
    this.ownsScheduler = builder.scheduler == null;
    this.scheduler = ownsScheduler ? newScheduler() : builder.scheduler;
    listeners.add(new ProxyEventPublisher(builder.events, clock));
    this.service =
        ServerInterceptors.intercept(
            new ProxyServiceImpl(
                new SessionContext(
                    directory,
                    progress,
                    pools,
                    listeners,
                    clock,
                    scheduler,
                    builder.answerTimeout)),
            new PeerAddressInterceptor());
    this.connections = new ConnectionQueries(directory, builder.requestTimeout);
    this.others =
        new OtherReplicas(
            builder.replicaId,
            progress,
            fleetWide,
            builder.events,
            clock,
            builder.replicaLinger,
            builder.retention);
    listeners.add(others);
    this.replicaConnections = new ReplicaConnections(connections, directory, others);
    pools.addListener(this::configChanged);
  }

  public static Builder builder(PoolRegistry pools, Clock clock) {
    return new Builder(pools, clock);
  }

  /** The {@code ProxyService} to add to a gRPC server. */
  public ServerServiceDefinition service() {
    return service;
  }

  /** Told about this control plane's own proxies. */
  public void addListener(FleetListener listener) {
    listeners.add(listener);
  }

  /**
   * Told about every proxy of the fleet, this replica's and the other replicas' (each proxy id
   * once; see {@link OtherReplicas}): connects, disconnects and stats reports, and which replicas
   * are missing. With one control plane, the same as {@link #addListener}.
   */
  public void addFleetWideListener(FleetListener listener) {
    fleetWide.add(listener);
  }

  /** Gets this control plane's own proxies' events (ProxyEvents), for other replicas. */
  public void addLocalEventSink(FleetEventSink sink) {
    listeners.add(new ProxyEventPublisher(sink, clock));
  }

  /** This replica's id, as answers name it. */
  public String replicaId() {
    return others.selfId();
  }

  /** Names this replica, once its address is known (its port may be chosen at bind). */
  public void replicaId(String id) {
    others.selfId(Objects.requireNonNull(id));
  }

  /**
   * Every proxy of the fleet: this control plane's (connected, and disconnected within the
   * retention) and the other replicas' (each proxy id once), sorted by id.
   */
  public List<ProxyInfo> proxies() {
    return others.merge(directory.list());
  }

  /** This control plane's own proxies only, sorted by id. */
  public List<ProxyInfo> localProxies() {
    return directory.list();
  }

  /**
   * One of this control plane's own proxies as other replicas follow it: its info and its latest
   * report while connected; null if unknown.
   */
  public RemoteProxy localProxy(String proxyId) {
    ProxyRecord record = directory.find(proxyId);
    if (record == null) {
      return null;
    }
    RemoteProxy.Builder proxy = RemoteProxy.newBuilder().setInfo(record.toInfo());
    StatsReport report = record.connectedReport();
    if (report != null) {
      proxy.setReport(report);
    }
    return proxy.build();
  }

  /** Which replicas the fleet-wide answers cover now. */
  public FleetCoverage coverage() {
    return others.coverage();
  }

  // ---- what the replica links tell (see OtherReplicas) ----

  /** Replica {@code id} is a member of the fleet, reachable at {@code address}. */
  public void replicaJoined(String id, String address) {
    others.joined(id, address);
  }

  /** What replica {@code id}'s Follow stream sent. */
  public void replicaUpdate(String id, ReplicaUpdate update) {
    others.update(id, update);
  }

  /** Replica {@code id}'s stream failed or went quiet, for {@code reason}. */
  public void replicaLost(String id, String reason) {
    others.lost(id, reason);
  }

  /** Replica {@code id} is no longer a member. */
  public void replicaLeft(String id) {
    others.left(id);
  }

  /** Lets go of replicas that left long enough ago; call every second or so. */
  public void tickReplicas() {
    others.tick();
  }

  /** How to reach other replicas for connection listings and closes. */
  public void peerQueries(PeerQueries peers) {
    replicaConnections.peers(peers);
  }

  /** How many proxies have a stream open now, to this control plane. */
  public int connectedCount() {
    return directory.connectedCount();
  }

  /** How many proxies have a stream open now to this replica or to one it follows. */
  public int fleetConnectedCount() {
    return directory.connectedCount() + others.countedElsewhere();
  }

  /**
   * The latest stats report of every connected proxy that has sent one, this replica's and the
   * other replicas' (each proxy once).
   */
  public List<StatsReport> connectedReports() {
    List<StatsReport> reports = directory.connectedReports();
    reports.addAll(others.reports());
    return reports;
  }

  /**
   * {@code AdminService.WaitForApplied}: answers once every connected proxy has the requested
   * version (or a newer one) in force, or at the timeout; holds no thread meanwhile.
   */
  public void waitForApplied(
      WaitForAppliedRequest request, StreamObserver<WaitForAppliedResponse> response) {
    AppliedWait.start(
        request,
        response,
        pools.current().getVersion(),
        progress,
        directory,
        others,
        scheduler,
        clock);
  }

  /**
   * The open client connections of every connected proxy (or of {@code proxy} alone), matching the
   * filters (empty: any), sorted by proxy and sequence, at most {@code limit}. Proxies that do not
   * answer within the request timeout are named in the answer. Fails (StatusRuntimeException,
   * possibly inside a CompletionException) with NOT_FOUND or UNAVAILABLE when {@code proxy} is
   * unknown or not connected. The caller validates the filters.
   */
  public CompletableFuture<ListConnectionsResponse> listConnections(
      String pool, String backend, String proxy, int limit) {
    return replicaConnections.list(pool, backend, proxy, limit);
  }

  /** As {@link #listConnections}, of this control plane's own proxies only. */
  public CompletableFuture<ListConnectionsResponse> listLocalConnections(
      String pool, String backend, String proxy, int limit) {
    return connections.list(pool, backend, proxy, limit);
  }

  /**
   * Closes connection {@code sequence} on proxy {@code proxyId}: the connection as it was, or a
   * failure with NOT_FOUND (unknown proxy or connection) or UNAVAILABLE (not connected, or no
   * answer within the request timeout).
   */
  public CompletableFuture<ConnectionInfo> closeConnection(String proxyId, long sequence) {
    return replicaConnections.close(proxyId, sequence);
  }

  /** As {@link #closeConnection}, on this control plane's own proxies only. */
  public CompletableFuture<ConnectionInfo> closeLocalConnection(String proxyId, long sequence) {
    return connections.close(proxyId, sequence);
  }

  /** The gRPC error a failed {@link #listConnections} or {@link #closeConnection} carries. */
  public static Throwable cause(Throwable error) {
    return ConnectionQueries.unwrap(error);
  }

  /**
   * Ends every proxy stream with UNAVAILABLE, so proxies reconnect (here or elsewhere) rather than
   * hold a stream that would keep the server from shutting down. Idempotent.
   */
  @Override
  public void close() {
    for (ProxySession session : directory.close()) {
      session.close(Status.UNAVAILABLE.withDescription("control plane is shutting down"));
    }
    if (ownsScheduler) {
      scheduler.shutdownNow();
    }
  }

  private void configChanged(ConfigSnapshot snapshot) {
    // Before the broadcast, so no proxy can apply a version before its acceptance is known.
    progress.accepted(snapshot.getVersion(), clock.instant());
    directory.broadcast(snapshot);
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("weir-fleet-timers");
              t.setDaemon(true);
              return t;
            });
    // Answer timeouts are cancelled by nearly every answer; don't keep them queued for seconds.
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  /** Settings for a {@link ProxyFleet}; each has a default. */
  public static final class Builder {
    private final PoolRegistry pools;
    private final Clock clock;
    private Duration retention = DEFAULT_RETENTION;
    private Duration answerTimeout = DEFAULT_ANSWER_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private FleetEventSink events = FleetEventSink.NONE;
    private ScheduledExecutorService scheduler;
    private String replicaId = "";
    private Duration replicaLinger = DEFAULT_REPLICA_LINGER;

    private Builder(PoolRegistry pools, Clock clock) {
      this.pools = Objects.requireNonNull(pools);
      this.clock = Objects.requireNonNull(clock);
    }

    /** How long a disconnected proxy stays listed. */
    public Builder retention(Duration retention) {
      this.retention = Objects.requireNonNull(retention);
      return this;
    }

    /** How long a sent snapshot may go unanswered before a newer one is sent anyway. */
    public Builder answerTimeout(Duration answerTimeout) {
      if (answerTimeout.isNegative() || answerTimeout.isZero()) {
        throw new IllegalArgumentException("answerTimeout must be positive, got " + answerTimeout);
      }
      this.answerTimeout = answerTimeout;
      return this;
    }

    /** How long a proxy has to answer a request about its connections. */
    public Builder requestTimeout(Duration requestTimeout) {
      if (requestTimeout.isNegative() || requestTimeout.isZero()) {
        throw new IllegalArgumentException(
            "requestTimeout must be positive, got " + requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /** Where the proxies' connects, ACKs, applies and NACKs are published. */
    public Builder events(FleetEventSink events) {
      this.events = Objects.requireNonNull(events);
      return this;
    }

    /**
     * Runs answer timeouts and WaitForApplied timeouts; the caller shuts it down. Without one the
     * fleet uses a thread of its own, stopped by {@link ProxyFleet#close}.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler);
      return this;
    }

    /** This control plane's name among replicas, as answers name it. */
    public Builder replicaId(String replicaId) {
      this.replicaId = Objects.requireNonNull(replicaId);
      return this;
    }

    /** How long a departed replica's proxies stay unaccounted for unless seen elsewhere. */
    public Builder replicaLinger(Duration linger) {
      this.replicaLinger = Objects.requireNonNull(linger);
      return this;
    }

    public ProxyFleet build() {
      return new ProxyFleet(this);
    }
  }
}
