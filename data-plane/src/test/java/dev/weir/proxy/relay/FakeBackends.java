package dev.weir.proxy.relay;

import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A pool of backends a, b, c … whose connections are made in memory: each connect waits for the
 * test to let it succeed or fail, as a socket's would wait for the backend.
 */
final class FakeBackends implements RelaySettings.BackendConnector {

  /** One connect: to where, the backend's side of it, and its outcome. */
  record Attempt(
      InetSocketAddress target,
      EmbeddedChannel backend,
      ChannelHandler handler,
      ChannelPromise connected) {

    /** The backend accepted: its handler starts, as on a socket that just connected. */
    void succeed() {
      backend.pipeline().addLast(handler);
      connected.setSuccess();
    }

    /** Refused, as by a port nothing listens on; the channel closes, as the relay's would. */
    void fail() {
      connected.setFailure(new ConnectException("Connection refused: " + target));
      backend.close();
    }
  }

  final List<Upstream> upstreams = new ArrayList<>();
  final List<Attempt> attempts = new ArrayList<>();

  FakeBackends(int count) {
    for (int i = 0; i < count; i++) {
      String name = String.valueOf((char) ('a' + i));
      InetSocketAddress address = new InetSocketAddress("10.0.0." + (i + 1), 80);
      BackendConfig config = new BackendConfig(name + ":80", address, 1, false);
      upstreams.add(new Upstream(config, new BackendCounters("web", config.address())));
    }
  }

  /** Picks a, b, c … in turn, starting at a, so tests know which backend comes first. */
  Picker picker() {
    return new Picker() {
      private int next;

      @Override
      public Upstream pick(InetSocketAddress client) {
        return upstreams.isEmpty() ? null : upstreams.get(next++ % upstreams.size());
      }

      @Override
      public List<Upstream> candidates() {
        return upstreams;
      }
    };
  }

  BackendCounters counters(int index) {
    return upstreams.get(index).counters();
  }

  Attempt last() {
    return attempts.get(attempts.size() - 1);
  }

  /** Settings of pool "web" whose backend connections are made here. */
  RelaySettings settings(PoolOptions options) {
    return new RelaySettings("web", Transport.nio(), options, Duration.ofSeconds(1), this);
  }

  @Override
  public ChannelFuture connect(Channel client, InetSocketAddress target, ChannelHandler handler) {
    EmbeddedChannel backend = new EmbeddedChannel();
    ChannelPromise connected = backend.newPromise();
    // Closing a connection still being made fails its connect, as on a socket.
    backend.closeFuture().addListener(closed -> connected.tryFailure(new ClosedChannelException()));
    attempts.add(new Attempt(target, backend, handler, connected));
    return connected;
  }

  /** The defaults, with these changed. */
  static PoolOptions options(
      int maxConnectionsPerBackend,
      Duration idleTimeout,
      int sendProxyHeader,
      boolean acceptProxyHeader,
      Duration proxyHeaderTimeout) {
    PoolOptions d = PoolOptions.DEFAULTS;
    return new PoolOptions(
        d.healthCheck(),
        d.outlier(),
        d.slowStart(),
        d.maxConnections(),
        maxConnectionsPerBackend,
        d.connectTimeout(),
        idleTimeout,
        d.drainTimeout(),
        d.socketBufferBytes(),
        d.writeBufferLowBytes(),
        d.writeBufferHighBytes(),
        d.maglevTableSize(),
        sendProxyHeader,
        acceptProxyHeader,
        proxyHeaderTimeout,
        d.connectHeadTimeout());
  }
}
