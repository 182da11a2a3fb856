package dev.weir.proxy.relay;

import dev.weir.proxy.config.PoolOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/**
 * How one pool's connections are relayed, fixed per config version.
 *
 * <p>Holds a configured {@link Bootstrap} that each connection clones with its own event loop and
 * handler, so backend socket options are set up once rather than per connection.
 */
public final class RelaySettings {

  private final Bootstrap template;
  private final PoolOptions options;
  private final WriteBufferWaterMark waterMark;
  private final int maxConnectAttempts;

  /**
   * @param defaultConnectTimeout used when the pool sets none
   * @param maxConnectAttempts how many different backends one client connection may try before
   *     it is given up on
   */
  public RelaySettings(
      Class<? extends Channel> channelClass,
      PoolOptions options,
      Duration defaultConnectTimeout,
      int maxConnectAttempts) {
    if (maxConnectAttempts < 1) {
      throw new IllegalArgumentException("maxConnectAttempts must be >= 1");
    }
    this.options = options;
    this.waterMark = options.waterMark();
    this.maxConnectAttempts = maxConnectAttempts;
    Duration connectTimeout =
        options.connectTimeout() != null ? options.connectTimeout() : defaultConnectTimeout;
    this.template =
        new Bootstrap()
            .channel(channelClass)
            // The client is connected already, so what the backend sends can be relayed at once.
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
    if (options.socketBufferBytes() > 0) {
      template.option(ChannelOption.SO_RCVBUF, options.socketBufferBytes());
      template.option(ChannelOption.SO_SNDBUF, options.socketBufferBytes());
    }
  }

  /** Applies this pool's per-connection options to an accepted client connection. */
  public void configureClient(Channel client) {
    client.config().setWriteBufferWaterMark(waterMark);
    if (options.socketBufferBytes() > 0) {
      client.config().setOption(ChannelOption.SO_RCVBUF, options.socketBufferBytes());
      client.config().setOption(ChannelOption.SO_SNDBUF, options.socketBufferBytes());
    }
  }

  public PoolOptions options() {
    return options;
  }

  Bootstrap bootstrapFor(Channel client) {
    return template.clone(client.eventLoop());
  }

  /** How much a client may send before its backend connection is up. */
  int earlyBufferLimit() {
    return waterMark.high();
  }

  int maxConnectAttempts() {
    return maxConnectAttempts;
  }

  int maxConnectionsPerBackend() {
    return options.maxConnectionsPerBackend();
  }
}
