package dev.weir.proxy.listen;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.health.HealthTracking;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.tls.BackendTls;
import dev.weir.proxy.tls.CertificateWatcher;
import dev.weir.proxy.tls.ServerTls;
import dev.weir.proxy.tls.TlsTerminationConfig;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's listeners and pools, switched from one config to the next pool by pool: one pool's
 * port that cannot be bound holds back that pool only.
 *
 * <p>A listener is keyed by the socket address it binds, not by pool name, so a pool renamed or a
 * port handed from one pool to another keeps its socket and never races itself for the port.
 */
public final class Pools implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Pools.class);

  private final EventLoopGroup group;
  private final Transport transport;
  private final int acceptors;
  private final Duration defaultConnectTimeout;
  private final Duration statsInterval;
  private final String bindAddress;
  private final DrainDeadlines drainDeadlines;
  private final HealthTracking health;
  private final ConnectionBudget budget;
  private final ConnectionIds ids = new ConnectionIds(Clock.systemUTC());

  @GuardedBy("this")
  private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();

  @GuardedBy("this")
  private final Map<String, PoolRuntime> pools = new LinkedHashMap<>();

  private volatile long version;

  @GuardedBy("this")
  private boolean closed;

  // The config last given to apply, and its pools not in force (retried by retry).
  @GuardedBy("this")
  private ProxyConfig desired;

  @GuardedBy("this")
  private List<PoolApplyFailure> failures = List.of();

  private final BindRetry retry;
  private volatile Consumer<PoolApplyStatus> retryListener = status -> {};
  // The TLS of the pools in force that terminate it, by pool name. Guarded by this.
  private Map<String, PoolTls> tls = Map.of();
  private final CertificateWatcher certificates;

  /**
   * @param acceptors listening sockets per address where the transport can share a port (one per
   *     event loop spreads accepts across them); 1 otherwise
   * @param defaultConnectTimeout for pools that set none
   * @param statsInterval how often stats are reported; connect-latency percentiles cover one
   * @param bindAddress where every pool's port is bound, or null to bind each pool's own listen
   *     host (all interfaces when it has none)
   */
  public Pools(
      EventLoopGroup group,
      Transport transport,
      int acceptors,
      Duration defaultConnectTimeout,
      Duration statsInterval,
      String bindAddress) {
    this(
        group,
        transport,
        acceptors,
        defaultConnectTimeout,
        statsInterval,
        bindAddress,
        ConnectionBudget.unlimited());
  }

  /**
   * @param budget the proxy-wide cap on open client connections, over every listener
   */
  public Pools(
      EventLoopGroup group,
      Transport transport,
      int acceptors,
      Duration defaultConnectTimeout,
      Duration statsInterval,
      String bindAddress,
      ConnectionBudget budget) {
    this(
        group,
        transport,
        acceptors,
        defaultConnectTimeout,
        statsInterval,
        bindAddress,
        budget,
        null,
        null);
  }

  /**
   * @param retryScheduler where failed binds are retried (not an event loop: binding waits on
   *     them); null to retry only when a config is applied
   * @param retryBackoff the delays between retries
   */
  public Pools(
      EventLoopGroup group,
      Transport transport,
      int acceptors,
      Duration defaultConnectTimeout,
      Duration statsInterval,
      String bindAddress,
      ConnectionBudget budget,
      ScheduledExecutorService retryScheduler,
      ReconnectBackoff retryBackoff) {
    this.retry = new BindRetry(retryScheduler, retryBackoff, this::retryFailedBinds);
    this.budget = budget;
    this.group = group;
    this.transport = transport;
    this.acceptors = transport.reusePort() ? Math.max(1, acceptors) : 1;
    this.defaultConnectTimeout = defaultConnectTimeout;
    this.statsInterval = statsInterval;
    this.bindAddress = bindAddress;
    this.drainDeadlines = new DrainDeadlines(group.next(), this::connectionsOf);
    this.health = HealthTracking.start(group, transport.channelClass());
    // Looking at a few files' attributes every 2 s costs an event loop microseconds.
    this.certificates = new CertificateWatcher(group.next());
  }

  /** The watcher of the terminating pools' files; tests make it look when they choose. */
  CertificateWatcher certificateWatcher() {
    return certificates;
  }

  /** The proxy-wide connection cap, for metrics. */
  public ConnectionBudget budget() {
    return budget;
  }

  /** The config version in force; 0 before the first. */
  public long version() {
    return version;
  }

  /**
   * Switches to {@code next} pool by pool: binds each new listen address first, then swaps every
   * pool whose listener is up (or was already) to its new config and closes listeners no pool uses
   * any more. A pool whose address cannot be bound keeps its previous config and listener (unless
   * the new config gives that address to another pool), or stays absent if it is new; it is
   * returned as failed, and the bind is retried with backoff until it succeeds or a later config no
   * longer asks for it.
   *
   * @return the pools of {@code next} not in force, in config order; empty when all are
   * @throws InvalidConfigException only once the proxy is shutting down
   */
  public synchronized List<PoolApplyFailure> apply(ProxyConfig next) throws InvalidConfigException {
    if (closed) {
      throw new InvalidConfigException("proxy is shutting down");
    }
    desired = next;
    return switchTo(next, true);
  }

  /** The version in force and its pools that are not, as the control plane is told. */
  public synchronized PoolApplyStatus poolStatus() {
    return PoolApplyStatus.newBuilder()
        .setConfigVersion(version)
        .addAllFailedPools(failures)
        .build();
  }

  /** Told of every change in the failed pools that a retry (not an apply) brings. */
  public void onRetryOutcome(Consumer<PoolApplyStatus> listener) {
    retryListener = listener;
  }

  private void retryFailedBinds() {
    PoolApplyStatus changed;
    synchronized (this) {
      if (closed || failures.isEmpty()) {
        return;
      }
      List<PoolApplyFailure> before = failures;
      try {
        switchTo(desired, false);
      } catch (InvalidConfigException e) {
        log.error(
            "retrying the binds of config version {} failed: {}",
            desired.version(),
            e.getMessage());
        return;
      }
      if (failures.equals(before)) {
        return;
      }
      changed = poolStatus();
    }
    retryListener.accept(changed);
  }

  @GuardedBy("this")
  private List<PoolApplyFailure> switchTo(ProxyConfig next, boolean newConfig)
      throws InvalidConfigException {
    Map<String, PoolTls> nextTls = loadTls(next);
    // Several pools share an address only in HTTP CONNECT mode (SnapshotValidator sees to it).
    Map<InetSocketAddress, List<PoolConfig>> wanted = byAddress(next.pools());
    // Pools new to this proxy get a runtime up front, so a listener never accepts without one;
    // until the switch below nothing outside this method can see them.
    Map<String, PoolRuntime> candidates = new LinkedHashMap<>();
    for (PoolConfig config : next.pools()) {
      PoolRuntime runtime = pools.get(config.name());
      if (runtime == null) {
        runtime = new PoolRuntime(config.name(), health, statsInterval);
        runtime.update(config, relaySettings(config, nextTls));
      }
      candidates.put(config.name(), runtime);
    }
    Map<InetSocketAddress, Listener> opened = new HashMap<>();
    Map<InetSocketAddress, String> unbound = new HashMap<>();
    for (Map.Entry<InetSocketAddress, List<PoolConfig>> e : wanted.entrySet()) {
      if (listeners.containsKey(e.getKey())) {
        continue;
      }
      PoolConfig first = e.getValue().get(0);
      Listener listener = new Listener(e.getKey(), candidates.get(first.name()), budget, ids);
      try {
        String foreign =
            sharesPortWithOwnListener(e.getKey()) || !transport.reusePort()
                ? null
                : PortProbe.foreignListener(e.getKey());
        if (foreign != null) {
          throw new InvalidConfigException(foreign);
        }
        listener.bind(group, transport, acceptors);
        opened.put(e.getKey(), listener);
      } catch (InvalidConfigException | IOException | RuntimeException ex) {
        listener.close();
        unbound.put(
            e.getKey(), "cannot listen on " + Listener.format(e.getKey()) + ": " + ex.getMessage());
      }
    }

    // What goes in force: each pool's new config where its address is bound, else its previous
    // one where that still can be (its old listener is not the new config's for another pool).
    List<PoolConfig> effective = new ArrayList<>();
    List<PoolApplyFailure> failed = new ArrayList<>();
    for (PoolConfig config : next.pools()) {
      InetSocketAddress address = bindAddressOf(config);
      String reason = unbound.get(address);
      if (reason == null) {
        effective.add(config);
        continue;
      }
      PoolRuntime previous = pools.get(config.name());
      boolean keep =
          previous != null
              && previous.config() != null
              && !wanted.containsKey(bindAddressOf(previous.config()));
      if (keep) {
        effective.add(previous.config());
      }
      failed.add(
          PoolApplyFailure.newBuilder()
              .setPool(config.name())
              .setListen(Listener.format(address))
              .setReason(reason)
              .setServingPrevious(keep)
              .build());
    }

    // Nothing below can fail.
    listeners.putAll(opened);
    Map<String, PoolRuntime> nextPools = new LinkedHashMap<>();
    for (Map.Entry<InetSocketAddress, List<PoolConfig>> e : byAddress(effective).entrySet()) {
      List<PoolRuntime> served = new ArrayList<>(e.getValue().size());
      for (PoolConfig config : e.getValue()) {
        PoolRuntime runtime = candidates.get(config.name());
        runtime.update(config, relaySettings(config, nextTls));
        served.add(runtime);
        nextPools.put(config.name(), runtime);
      }
      Listener listener = listeners.get(e.getKey());
      PoolConfig first = e.getValue().get(0);
      if (first.httpConnect()) {
        Map<String, PoolRuntime> byAuthority = new HashMap<>();
        for (int i = 0; i < served.size(); i++) {
          for (String authority : e.getValue().get(i).connectAuthorities()) {
            byAuthority.put(authority, served.get(i));
          }
        }
        listener.serveShared(
            new ConnectRoutes(
                byAuthority,
                served,
                first.options().maxConnections(),
                first.options().connectHeadTimeout()));
      } else if (first.routesTls()) {
        listener.serveShared(ServerNameRoutes.of(e.getValue(), served));
      } else {
        listener.serve(served.get(0));
      }
    }
    closeRuntimesNotIn(nextPools, candidates);
    closeRuntimesNotIn(nextPools, pools);
    pools.clear();
    pools.putAll(nextPools);
    Set<InetSocketAddress> inUse = byAddress(effective).keySet();
    listeners
        .entrySet()
        .removeIf(
            e -> {
              if (inUse.contains(e.getKey())) {
                return false;
              }
              log.info("closing listener {}", Listener.format(e.getKey()));
              e.getValue().close();
              return true;
            });
    drainDeadlines.update(effective);
    Map<String, PoolTls> inForce = new HashMap<>();
    for (PoolConfig config : effective) {
      PoolTls poolTls = tlsOf(config, nextTls);
      if (poolTls != null) {
        inForce.put(config.name(), poolTls);
      }
    }
    tls = Map.copyOf(inForce);
    certificates.watch(inForce.values().stream().map(PoolTls::server).toList());
    version = next.version();
    logChanges(failures, failed, next);
    failures = List.copyOf(failed);
    if (failed.isEmpty()) {
      retry.succeeded();
    } else {
      retry.failed(newConfig);
    }
    return failures;
  }

  // Once per change of a pool's state, never per retry, so a port taken for days costs a line.
  private static void logChanges(
      List<PoolApplyFailure> before, List<PoolApplyFailure> after, ProxyConfig config) {
    long version = config.version();
    Set<String> inConfig = new HashSet<>();
    config.pools().forEach(p -> inConfig.add(p.name()));
    Map<String, PoolApplyFailure> was = new HashMap<>();
    before.forEach(f -> was.put(f.getPool(), f));
    for (PoolApplyFailure f : after) {
      if (!f.equals(was.remove(f.getPool()))) {
        log.warn(
            "pool {} of config version {} is not in force: {}; {}; retrying by itself",
            f.getPool(),
            version,
            f.getReason(),
            f.getServingPrevious() ? "serving its previous config" : "not serving it");
      }
    }
    for (PoolApplyFailure f : was.values()) {
      if (inConfig.contains(f.getPool())) {
        log.info(
            "pool {} of config version {} is in force now on {}",
            f.getPool(),
            version,
            f.getListen());
      }
    }
  }

  private Map<InetSocketAddress, List<PoolConfig>> byAddress(List<PoolConfig> configs) {
    Map<InetSocketAddress, List<PoolConfig>> grouped = new LinkedHashMap<>();
    for (PoolConfig pool : configs) {
      grouped.computeIfAbsent(bindAddressOf(pool), a -> new ArrayList<>()).add(pool);
    }
    return grouped;
  }

  private RelaySettings relaySettings(PoolConfig pool, Map<String, PoolTls> nextTls) {
    PoolTls poolTls = tlsOf(pool, nextTls);
    return poolTls == null
        ? new RelaySettings(pool.name(), transport, pool.options(), defaultConnectTimeout)
        : new RelaySettings(
            pool.name(),
            transport,
            pool.options(),
            defaultConnectTimeout,
            poolTls.server(),
            poolTls.backend());
  }

  /**
   * The TLS of each terminating pool of {@code next}: the one in force where its settings are
   * unchanged (it follows its files by itself), else loaded now. The files were checked when the
   * snapshot was validated; one broken since fails the whole apply, so that nothing changes.
   */
  private Map<String, PoolTls> loadTls(ProxyConfig next) throws InvalidConfigException {
    Map<String, PoolTls> loaded = new HashMap<>();
    for (PoolConfig config : next.pools()) {
      if (config.tlsTermination() == null) {
        continue;
      }
      PoolTls current = tls.get(config.name());
      if (current != null && current.config().equals(config.tlsTermination())) {
        loaded.put(config.name(), current);
        continue;
      }
      try {
        TlsTerminationConfig settings = config.tlsTermination();
        loaded.put(
            config.name(),
            new PoolTls(
                settings,
                ServerTls.load(config.name(), settings),
                settings.backend() != null
                    ? BackendTls.load(config.name(), settings.backend())
                    : null));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(e.getMessage(), e);
      }
    }
    return loaded;
  }

  /** The TLS for {@code config}, from {@code nextTls} or else in force; null for none. */
  private PoolTls tlsOf(PoolConfig config, Map<String, PoolTls> nextTls) {
    if (config.tlsTermination() == null) {
      return null;
    }
    for (PoolTls candidate : new PoolTls[] {nextTls.get(config.name()), tls.get(config.name())}) {
      if (candidate != null && candidate.config().equals(config.tlsTermination())) {
        return candidate;
      }
    }
    return null;
  }

  /** Each terminating pool's certificates and when they expire, for metrics. */
  public synchronized Map<String, List<ServerTls.Expiry>> certificateExpiries() {
    Map<String, List<ServerTls.Expiry>> expiries = new LinkedHashMap<>();
    tls.forEach((pool, poolTls) -> expiries.put(pool, poolTls.server().expiries()));
    return expiries;
  }

  /** One pool's TLS as loaded for its settings. */
  private record PoolTls(TlsTerminationConfig config, ServerTls server, BackendTls backend) {}

  /**
   * Whether one of this proxy's own listeners holds the port on an overlapping address (a pool
   * moving from 127.0.0.1:80 to 0.0.0.0:80): the probe would take that for another program.
   */
  @GuardedBy("this")
  private boolean sharesPortWithOwnListener(InetSocketAddress address) {
    for (InetSocketAddress own : listeners.keySet()) {
      if (own.getPort() == address.getPort()
          && (own.getAddress().isAnyLocalAddress() || address.getAddress().isAnyLocalAddress())) {
        return true;
      }
    }
    return false;
  }

  /** Stops the health checks of runtimes in {@code from} that {@code kept} does not hold. */
  private static void closeRuntimesNotIn(
      Map<String, PoolRuntime> kept, Map<String, PoolRuntime> from) {
    for (PoolRuntime runtime : from.values()) {
      if (kept.get(runtime.name()) != runtime) {
        runtime.close();
      }
    }
  }

  private InetSocketAddress bindAddressOf(PoolConfig pool) {
    String host = bindAddress != null ? bindAddress : pool.listenHost();
    return host.isEmpty()
        ? new InetSocketAddress(pool.listenPort())
        : new InetSocketAddress(host, pool.listenPort());
  }

  private synchronized Listener connectionsOf(String pool) {
    for (Listener l : listeners.values()) {
      for (PoolRuntime served : l.pools()) {
        if (served.name().equals(pool)) {
          return l;
        }
      }
    }
    return null;
  }

  /** Cumulative counters for every backend of every pool in force. */
  public synchronized List<BackendStats> backendStats() {
    List<BackendStats> stats = new ArrayList<>();
    for (PoolRuntime pool : pools.values()) {
      for (BackendCounters c : pool.counters()) {
        stats.add(c.snapshot());
      }
    }
    return stats;
  }

  /**
   * The open client connections matching the filters (empty: any), oldest first, at most {@code
   * limit} (0: all); each read on its own event loop.
   */
  public CompletableFuture<ConnectionList> listConnections(String pool, String backend, int limit) {
    return OpenConnections.list(currentListeners(), pool, backend, limit);
  }

  /** Closes the connection with that sequence number (FIN both sides), if one is open. */
  public CompletableFuture<ConnectionCloseResult> closeConnection(long sequence) {
    return OpenConnections.close(currentListeners(), sequence);
  }

  private synchronized List<Listener> currentListeners() {
    return new ArrayList<>(listeners.values());
  }

  /** Cumulative counters for every listener. */
  public synchronized List<ListenerStats> listenerStats() {
    List<ListenerStats> stats = new ArrayList<>();
    for (Listener l : listeners.values()) {
      long reloadFailures = 0;
      for (PoolRuntime pool : l.pools()) {
        ServerTls server = pool.relay() == null ? null : pool.relay().serverTls();
        reloadFailures += server == null ? 0 : server.reloadFailures();
      }
      ListenerStats snapshot = l.counters().snapshot();
      stats.add(
          reloadFailures == 0
              ? snapshot
              : snapshot.toBuilder().setTlsReloadFailures(reloadFailures).build());
    }
    return stats;
  }

  /** The port each pool is actually bound to, by pool name. */
  public synchronized Map<String, InetSocketAddress> boundAddresses() {
    Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    for (Listener l : listeners.values()) {
      for (PoolRuntime served : l.pools()) {
        bound.put(served.name(), l.localAddress());
      }
    }
    return bound;
  }

  /**
   * Stops accepting, waits up to {@code deadline} for open connections to finish, then closes the
   * rest with FIN. Later configs are refused.
   *
   * @return how many connections were still open at the deadline
   */
  public int shutdownGracefully(Duration deadline) throws InterruptedException {
    List<Listener> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(listeners.values());
    }
    retry.close();
    drainDeadlines.close();
    certificates.close();
    all.forEach(Listener::stopAccepting);
    long until = System.nanoTime() + deadline.toNanos();
    for (Listener l : all) {
      l.allClosed().await(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    int remaining = 0;
    for (Listener l : all) {
      remaining += l.openConnections();
      l.close();
    }
    synchronized (this) {
      listeners.clear();
      pools.values().forEach(PoolRuntime::close);
      pools.clear();
      health.close();
    }
    return remaining;
  }

  /** Closes every listener and every connection they accepted. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    retry.close();
    drainDeadlines.close();
    certificates.close();
    listeners.values().forEach(Listener::close);
    listeners.clear();
    pools.values().forEach(PoolRuntime::close);
    pools.clear();
    health.close();
  }
}
