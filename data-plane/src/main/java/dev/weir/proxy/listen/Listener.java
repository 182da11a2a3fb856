package dev.weir.proxy.listen;

import dev.weir.api.log.LogThrottle;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.relay.ConnectionLease;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.relay.ProxyHeaderHandler;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.ListenerCounters;
import dev.weir.proxy.transport.Transport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound socket(s) of one listen address, the connections they accepted, and the pool they
 * currently serve: one pool, or for an HTTP CONNECT or TLS routing listener the pools its clients
 * name.
 */
final class Listener {

  private static final Logger log = LoggerFactory.getLogger(Listener.class);
  private static final LogThrottle ACCEPT_FAILURES =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);

  private final InetSocketAddress address;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> sockets = new ArrayList<>();
  private final ListenerCounters counters;
  private final ConnectionBudget budget;
  private final ConnectionIds ids;
  // Written under the Pools' lock, read by the event loops on every accept.
  private volatile PoolRuntime pool;
  // Null for a plain TCP listener. Written like pool; read on every accept.
  private volatile SharedRoutes routes;

  Listener(
      InetSocketAddress address, PoolRuntime pool, ConnectionBudget budget, ConnectionIds ids) {
    this.address = address;
    this.ids = ids;
    this.pool = pool;
    this.budget = budget;
    this.counters = new ListenerCounters(pool.name(), format(address));
  }

  void serve(PoolRuntime runtime) {
    routes = null;
    pool = runtime;
    counters.pool(runtime.name());
  }

  /** Serves the pools of {@code next}, found by what each client sends first. */
  void serveShared(SharedRoutes next) {
    pool = next.pools().get(0);
    routes = next;
    counters.pool(String.join(",", next.pools().stream().map(PoolRuntime::name).toList()));
  }

  /** The pools this listener serves. */
  List<PoolRuntime> pools() {
    SharedRoutes current = routes;
    return current != null ? current.pools() : List.of(pool);
  }

  ListenerCounters counters() {
    return counters;
  }

  ChannelGroup connections() {
    return connections;
  }

  /**
   * Binds {@code acceptors} sockets sharing the address (SO_REUSEPORT), or one socket.
   *
   * @throws InvalidConfigException with the OS's reason when the address can't be bound
   */
  void bind(EventLoopGroup group, Transport transport, int acceptors)
      throws InvalidConfigException {
    if (address.isUnresolved()) {
      throw new InvalidConfigException("host " + address.getHostString() + " does not resolve");
    }
    Acceptor acceptor = new Acceptor();
    for (int i = 0; i < acceptors; i++) {
      ServerChannel socket = transport.newServerChannel(address.getAddress());
      socket.config().setOption(ChannelOption.SO_BACKLOG, Transport.ACCEPT_BACKLOG);
      socket.config().setOption(ChannelOption.SO_REUSEADDR, true);
      if (transport.reusePort()) {
        socket.config().setOption(transport.reusePortOption(), true);
      }
      socket.pipeline().addLast(acceptor);
      ChannelFuture registered = group.next().register(socket).awaitUninterruptibly();
      ChannelFuture bound =
          registered.isSuccess() ? socket.bind(address).awaitUninterruptibly() : registered;
      if (!bound.isSuccess()) {
        socket.close().awaitUninterruptibly();
        throw new InvalidConfigException(String.valueOf(bound.cause().getMessage()));
      }
      sockets.add(socket);
    }
    log.info(
        "listening on {} for pool {} ({} socket{})",
        format(localAddress()),
        pool.name(),
        acceptors,
        acceptors == 1 ? "" : "s");
  }

  InetSocketAddress localAddress() {
    return (InetSocketAddress) sockets.get(0).localAddress();
  }

  long openConnections() {
    return connections.size();
  }

  /** Completes when every connection open now has closed. */
  ChannelGroupFuture allClosed() {
    return connections.newCloseFuture();
  }

  void stopAccepting() {
    for (Channel socket : sockets) {
      socket.close().awaitUninterruptibly();
    }
  }

  /** Closes the sockets and every connection accepted through them. */
  void close() {
    stopAccepting();
    connections.close().awaitUninterruptibly();
  }

  static String format(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }

  /**
   * Takes each connection a listening socket accepted: admits it (or refuses it at a limit), sets
   * it up, and registers it on the event loop that accepted it.
   *
   * <p>Netty's ServerBootstrap would set each child option through a map, add and then remove a
   * ChannelInitializer (with a concurrent map of its own) per connection, and register the
   * connection on the group's next event loop: a task and a wakeup on another thread for most
   * connections, though SO_REUSEPORT has already spread them across the loops.
   */
  @ChannelHandler.Sharable
  private final class Acceptor extends ChannelInboundHandlerAdapter {

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      Channel ch = (Channel) msg;
      SharedRoutes shared = routes;
      if (shared != null) {
        acceptShared(ctx, ch, shared);
        return;
      }
      PoolRuntime runtime = pool;
      RelaySettings relay = runtime.relay();
      // Auto-read stays on, as it starts: FrontendHandler holds (a bounded amount of) what
      // arrives before the backend connection is up.
      ConnectionLease lease = admit(ch, relay.options().maxConnections());
      if (lease == null) {
        return;
      }
      relay.configureClient(ch);
      // Named, so the pipeline need not make up (and check) a name per connection.
      if (relay.options().acceptProxyHeader()) {
        ch.pipeline().addLast(ProxyHeaderHandler.NAME, new ProxyHeaderHandler(relay, lease));
      }
      if (relay.terminatesTls()) {
        relay.addTlsStages(ch, null, lease); // after the PROXY header, which comes first
      }
      ch.pipeline()
          .addLast(FrontendHandler.NAME, new FrontendHandler(runtime.picker(), relay, lease));
      register(ctx, ch, lease);
    }

    /**
     * As for a plain pool, except that the pool is known only once the client's first bytes are
     * read (a CONNECT request, a ClientHello): the first stage reads them, then sets the connection
     * up for that pool.
     */
    private void acceptShared(ChannelHandlerContext ctx, Channel ch, SharedRoutes shared) {
      ConnectionLease lease = admit(ch, shared.maxConnections());
      if (lease == null) {
        return;
      }
      shared.addFirstStage(ch, lease);
      register(ctx, ch, lease);
    }

    /**
     * Takes {@code ch} within the proxy-wide and this listener's connection caps and sets up what
     * every client connection has; or refuses (resets) it and returns null.
     */
    private ConnectionLease admit(Channel ch, int maxConnections) {
      ConnectionLease lease = ConnectionLease.admit(budget, counters, maxConnections, ids);
      if (lease == null) {
        refuse(ch);
        return null;
      }
      SocketChannelConfig config = (SocketChannelConfig) ch.config();
      config.setAllowHalfClosure(true);
      config.setAllocator(PooledByteBufAllocator.DEFAULT);
      return lease;
    }

    private void register(ChannelHandlerContext ctx, Channel ch, ConnectionLease lease) {
      // On the loop's own thread this registers (and starts the handler) before returning.
      ChannelFuture registered = ctx.channel().eventLoop().register(ch);
      if (registered.isDone() && !registered.isSuccess()) {
        ch.unsafe().closeForcibly(); // no close future fires for this one
        lease.release();
        return;
      }
      // Either may see the connection closed already; both then let go of it at once.
      lease.releaseOnClose(ch);
      connections.add(ch);
    }

    /**
     * An accept failed, most likely for want of file descriptors: stop accepting on this socket for
     * a second rather than spin on the error, as Netty's own acceptor does.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Once a minute per cause over all listeners: a flood that runs the process out of file
      // descriptors fails every socket's accept, every second.
      long suppressed = ACCEPT_FAILURES.admit(cause.toString());
      if (suppressed != LogThrottle.SUPPRESS) {
        log.warn(
            "accepting on {} failed, pausing it for 1 s: {}{}",
            format(address),
            cause.toString(),
            LogThrottle.suppressedNote(suppressed));
      }
      ChannelConfig config = ctx.channel().config();
      if (config.isAutoRead()) {
        config.setAutoRead(false);
        ctx.channel().eventLoop().schedule(() -> config.setAutoRead(true), 1, TimeUnit.SECONDS);
      }
    }

    /** Refused fast: a reset tells the client at once, and costs no TIME_WAIT here. */
    private void refuse(Channel ch) {
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
      ch.unsafe().closeForcibly();
    }
  }
}
