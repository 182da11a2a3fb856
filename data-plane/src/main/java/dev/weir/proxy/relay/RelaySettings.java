package dev.weir.proxy.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/**
 * How backend connections are made, fixed for the life of the proxy.
 *
 * <p>Holds a configured {@link Bootstrap} that each connection clones with its own event loop and
 * handler, so options are set up once rather than per connection.
 */
public final class RelaySettings {

  /** Per-connection buffering limits: past the high mark the other side stops reading. */
  public static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private final Bootstrap template;
  private final int maxConnectAttempts;

  /**
   * @param maxConnectAttempts how many different backends one client connection may try before
   *     it is given up on
   */
  public RelaySettings(
      Class<? extends Channel> channelClass, Duration connectTimeout, int maxConnectAttempts) {
    if (maxConnectAttempts < 1) {
      throw new IllegalArgumentException("maxConnectAttempts must be >= 1");
    }
    this.maxConnectAttempts = maxConnectAttempts;
    this.template =
        new Bootstrap()
            .channel(channelClass)
            // Nothing is read from the backend until the client side is ready to relay it.
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
  }

  Bootstrap bootstrapFor(Channel client) {
    return template.clone(client.eventLoop());
  }

  int maxConnectAttempts() {
    return maxConnectAttempts;
  }
}
