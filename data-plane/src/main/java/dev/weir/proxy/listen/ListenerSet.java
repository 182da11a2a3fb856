package dev.weir.proxy.listen;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListenerStats;
import dev.weir.proxy.Transport;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.health.HealthTracking;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's listeners and pools, switched from one config to the next all at once or not at all.
 *
 * <p>A listener is keyed by the socket address it binds, not by pool name, so a pool renamed or a
 * port handed from one pool to another keeps its socket and never races itself for the port.
 */
public final class ListenerSet implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ListenerSet.class);
  /** Different backends one client connection may try before it is closed. */
  static final int MAX_CONNECT_ATTEMPTS = 3;

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

  // Guarded by this.
  private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
  private final Map<String, PoolRuntime> pools = new LinkedHashMap<>();
  private volatile long version;
  private boolean closed;

  /**
   * @param acceptors listening sockets per address where the transport can share a port (one per
   *     event loop spreads accepts across them); 1 otherwise
   * @param defaultConnectTimeout for pools that set none
   * @param statsInterval how often stats are reported; connect-latency percentiles cover one
   * @param bindAddress where every pool's port is bound, or null to bind each pool's own listen
   *     host (all interfaces when it has none)
   */
  public ListenerSet(
      EventLoopGroup group,
      Transport transport,
      int acceptors,
      Duration defaultConnectTimeout,
      Duration statsInterval,
      String bindAddress) {
    this(group, transport, acceptors, defaultConnectTimeout, statsInterval, bindAddress,
        ConnectionBudget.unlimited());
  }

  /** @param budget the proxy-wide cap on open client connections, over every listener */
  public ListenerSet(
      EventLoopGroup group,
      Transport transport,
      int acceptors,
      Duration defaultConnectTimeout,
      Duration statsInterval,
      String bindAddress,
      ConnectionBudget budget) {
    this.budget = budget;
    this.group = group;
    this.transport = transport;
    this.acceptors = transport.reusePort() ? Math.max(1, acceptors) : 1;
    this.defaultConnectTimeout = defaultConnectTimeout;
    this.statsInterval = statsInterval;
    this.bindAddress = bindAddress;
    this.drainDeadlines = new DrainDeadlines(group.next(), this::connectionsOf);
    this.health = HealthTracking.start(group, transport.channelClass());
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
   * Switches to {@code next}: binds new listeners first and gives up, closing only what it opened,
   * if any bind fails; then swaps every pool's picker and closes listeners no pool uses any more.
   */
  public synchronized void apply(ProxyConfig next) throws InvalidConfigException {
    if (closed) {
      throw new InvalidConfigException("proxy is shutting down");
    }
    // Several pools share an address only in HTTP CONNECT mode (SnapshotValidator sees to it).
    Map<InetSocketAddress, List<PoolConfig>> wanted = new LinkedHashMap<>();
    Map<String, RelaySettings> relays = new HashMap<>();
    for (PoolConfig pool : next.pools()) {
      wanted.computeIfAbsent(bindAddressOf(pool), a -> new ArrayList<>()).add(pool);
      relays.put(pool.name(), new RelaySettings(pool.name(), transport, pool.options(),
          defaultConnectTimeout, MAX_CONNECT_ATTEMPTS));
    }
    // Pools new to this proxy get a runtime up front, so a listener never accepts without one;
    // until the switch below nothing outside this method can see them.
    Map<String, PoolRuntime> nextPools = new LinkedHashMap<>();
    for (PoolConfig config : next.pools()) {
      PoolRuntime runtime = pools.get(config.name());
      if (runtime == null) {
        runtime = new PoolRuntime(config.name(), health, statsInterval);
        runtime.update(config, relays.get(config.name()));
      }
      nextPools.put(config.name(), runtime);
    }
    Map<InetSocketAddress, Listener> opened = new HashMap<>();
    for (Map.Entry<InetSocketAddress, List<PoolConfig>> e : wanted.entrySet()) {
      if (listeners.containsKey(e.getKey())) {
        continue;
      }
      PoolConfig first = e.getValue().get(0);
      Listener listener = new Listener(e.getKey(), nextPools.get(first.name()), budget, ids);
      try {
        listener.bind(group, transport, acceptors);
        opened.put(e.getKey(), listener);
      } catch (InvalidConfigException | RuntimeException ex) {
        listener.close();
        opened.values().forEach(Listener::close);
        closeRuntimesNotIn(pools, nextPools);
        throw new InvalidConfigException(
"pool " + first.name() + ": cannot listen on " + Listener.format(e.getKey())
                + ": " + ex.getMessage(), ex);
      }
    }

    // Nothing below can fail: the switch is all or nothing.
    listeners.putAll(opened);
    for (Map.Entry<InetSocketAddress, List<PoolConfig>> e : wanted.entrySet()) {
      List<PoolRuntime> served = new ArrayList<>(e.getValue().size());
      for (PoolConfig config : e.getValue()) {
        PoolRuntime runtime = nextPools.get(config.name());
        if (pools.containsKey(runtime.name())) {
          runtime.update(config, relays.get(runtime.name()));
        }
        served.add(runtime);
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
        listener.serveConnect(new ConnectRoutes(byAuthority, served,
            first.options().maxConnections(), listener.counters()));
      } else {
        listener.serve(served.get(0));
      }
    }
    closeRuntimesNotIn(nextPools, pools);
    pools.clear();
    pools.putAll(nextPools);
    listeners.entrySet().removeIf(e -> {
      if (wanted.containsKey(e.getKey())) {
        return false;
      }
      log.info("closing listener {}", Listener.format(e.getKey()));
      e.getValue().close();
      return true;
    });
    drainDeadlines.update(next.pools());
    version = next.version();
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
   * The open client connections matching the filters (empty: any), oldest first, at most
   * {@code limit} (0: all); each read on its own event loop.
   */
  public CompletableFuture<ConnectionList> listConnections(String pool, String backend,
      int limit) {
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
      stats.add(l.counters().snapshot());
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
   * Stops accepting, waits up to {@code deadline} for open connections to finish, then closes
   * the rest with FIN. Later configs are refused.
   *
   * @return how many connections were still open at the deadline
   */
  public int shutdownGracefully(Duration deadline) throws InterruptedException {
    List<Listener> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(listeners.values());
    }
    drainDeadlines.close();
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
    drainDeadlines.close();
    listeners.values().forEach(Listener::close);
    listeners.clear();
    pools.values().forEach(PoolRuntime::close);
    pools.clear();
    health.close();
  }
}
