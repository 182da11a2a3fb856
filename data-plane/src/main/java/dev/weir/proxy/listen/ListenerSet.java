package dev.weir.proxy.listen;

import dev.weir.api.v1.BackendStats;
import dev.weir.proxy.Transport;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  private final EventLoopGroup group;
  private final Transport transport;
  private final RelaySettings relaySettings;
  private final String bindAddress;

  // Guarded by this.
  private final Map<InetSocketAddress, Listener> listeners = new HashMap<>();
  private final Map<String, PoolRuntime> pools = new LinkedHashMap<>();
  private volatile long version;
  private boolean closed;

  /**
   * @param bindAddress where every pool's port is bound, or null to bind each pool's own listen
   *     host (all interfaces when it has none)
   */
  public ListenerSet(
      EventLoopGroup group, Transport transport, RelaySettings relaySettings, String bindAddress) {
    this.group = group;
    this.transport = transport;
    this.relaySettings = relaySettings;
    this.bindAddress = bindAddress;
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
    Map<InetSocketAddress, PoolConfig> wanted = new LinkedHashMap<>();
    for (PoolConfig pool : next.pools()) {
      wanted.put(bindAddressOf(pool), pool);
    }
    // Pools new to this proxy get a runtime up front, so a listener never accepts without one;
    // until the switch below nothing outside this method can see them.
    Map<String, PoolRuntime> nextPools = new LinkedHashMap<>();
    for (PoolConfig config : next.pools()) {
      PoolRuntime runtime = pools.get(config.name());
      if (runtime == null) {
        runtime = new PoolRuntime(config.name());
        runtime.update(config);
      }
      nextPools.put(config.name(), runtime);
    }
    Map<InetSocketAddress, Listener> opened = new HashMap<>();
    for (Map.Entry<InetSocketAddress, PoolConfig> e : wanted.entrySet()) {
      if (listeners.containsKey(e.getKey())) {
        continue;
      }
      try {
        opened.put(e.getKey(), bind(e.getKey(), nextPools.get(e.getValue().name())));
      } catch (InvalidConfigException | RuntimeException ex) {
        opened.values().forEach(Listener::close);
        throw new InvalidConfigException(
            "pool " + e.getValue().name() + ": cannot listen on " + format(e.getKey()) + ": "
                + ex.getMessage(), ex);
      }
    }

    // Nothing below can fail: the switch is all or nothing.
    listeners.putAll(opened);
    for (Map.Entry<InetSocketAddress, PoolConfig> e : wanted.entrySet()) {
      PoolRuntime runtime = nextPools.get(e.getValue().name());
      if (pools.containsKey(runtime.name())) {
        runtime.update(e.getValue());
      }
      listeners.get(e.getKey()).pool = runtime;
    }
    pools.clear();
    pools.putAll(nextPools);
    listeners.entrySet().removeIf(e -> {
      if (wanted.containsKey(e.getKey())) {
        return false;
      }
      log.info("closing listener {}", format(e.getKey()));
      e.getValue().close();
      return true;
    });
    version = next.version();
  }

  private InetSocketAddress bindAddressOf(PoolConfig pool) {
    String host = bindAddress != null ? bindAddress : pool.listenHost();
    return host.isEmpty()
        ? new InetSocketAddress(pool.listenPort())
        : new InetSocketAddress(host, pool.listenPort());
  }

  private Listener bind(InetSocketAddress address, PoolRuntime pool)
      throws InvalidConfigException {
    if (address.isUnresolved()) {
      throw new InvalidConfigException("host " + address.getHostString() + " does not resolve");
    }
    Listener listener = new Listener();
    listener.pool = pool;
    ChannelFuture bound =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, RelaySettings.WATER_MARK)
            .childHandler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                listener.connections.add(ch);
                ch.pipeline().addLast(new FrontendHandler(listener.pool.picker(), relaySettings));
              }
            })
            .bind(address)
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      throw new InvalidConfigException(String.valueOf(bound.cause().getMessage()));
    }
    listener.channel = bound.channel();
    log.info("listening on {}", format(address));
    return listener;
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

  /** The port each pool is actually bound to, by pool name. */
  public synchronized Map<String, InetSocketAddress> boundAddresses() {
    Map<String, InetSocketAddress> bound = new LinkedHashMap<>();
    for (Listener l : listeners.values()) {
      bound.put(l.pool.name(), (InetSocketAddress) l.channel.localAddress());
    }
    return bound;
  }

  /** Closes every listener and every connection they accepted. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    listeners.values().forEach(Listener::close);
    listeners.clear();
    pools.clear();
  }

  private static String format(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /** A bound socket and the connections it accepted. */
  private static final class Listener {
    final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    Channel channel;
    // Written under the ListenerSet's lock, read by the event loop on every accept.
    volatile PoolRuntime pool;

    void close() {
      channel.close().awaitUninterruptibly();
      connections.close().awaitUninterruptibly();
    }
  }
}
