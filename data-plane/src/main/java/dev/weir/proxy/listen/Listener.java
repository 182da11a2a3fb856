package dev.weir.proxy.listen;

import dev.weir.proxy.Transport;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound socket(s) of one listen address, the connections they accepted, and the pool they
 * currently serve.
 */
final class Listener {

  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  private final InetSocketAddress address;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final List<Channel> sockets = new ArrayList<>();
  private final ListenerCounters counters;
  private final ConnectionBudget budget;
  // Written under the ListenerSet's lock, read by the event loops on every accept.
  private volatile PoolRuntime pool;

  Listener(InetSocketAddress address, PoolRuntime pool, ConnectionBudget budget) {
    this.address = address;
    this.pool = pool;
    this.budget = budget;
    this.counters = new ListenerCounters(pool.name(), format(address));
  }

  void serve(PoolRuntime runtime) {
    pool = runtime;
    counters.pool(runtime.name());
  }

  PoolRuntime pool() {
    return pool;
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
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channelFactory(() -> transport.newServerChannel(address.getAddress()))
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        // Read at once: FrontendHandler holds (a bounded amount of) what arrives before the
        // backend connection is up.
        .childOption(ChannelOption.AUTO_READ, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
        .childHandler(new Acceptor());
    if (transport.reusePort()) {
      bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
    }
    for (int i = 0; i < acceptors; i++) {
      ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
      if (!bound.isSuccess()) {
        throw new InvalidConfigException(String.valueOf(bound.cause().getMessage()));
      }
      sockets.add(bound.channel());
    }
    log.info("listening on {} for pool {} ({} socket{})", format(localAddress()), pool.name(),
        acceptors, acceptors == 1 ? "" : "s");
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

  /** Admits each accepted connection (or refuses it at the limit) and sets up its pipeline. */
  private final class Acceptor extends ChannelInitializer<Channel> {
    @Override
    protected void initChannel(Channel ch) {
      PoolRuntime runtime = pool;
      RelaySettings relay = runtime.relay();
      PoolOptions options = relay.options();
      if (!budget.tryAcquire()) {
        counters.refused();
        refuse(ch);
        return;
      }
      if (!counters.tryAdmit(options.maxConnections())) {
        budget.release();
        refuse(ch);
        return;
      }
      budget.releaseOnClose(ch.closeFuture());
      connections.add(ch);
      relay.configureClient(ch);
      ch.pipeline().addLast(new FrontendHandler(runtime.picker(), relay, counters));
    }

    /** Refused fast: a reset tells the client at once, and costs no TIME_WAIT here. */
    private void refuse(Channel ch) {
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
      ch.close();
    }
  }
}
