package dev.weir.proxy.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;

/** The close paths both handlers share. */
final class Relays {

  private Relays() {}

  /** Closes {@code channel} once everything already written to it has been sent. */
  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /**
   * {@code from} sent FIN: pass it on to {@code to} after the bytes before it, and close both once
   * the other direction has finished too. Channels that cannot half-close are closed instead.
   */
  static void forwardFin(Channel from, Channel to) {
    if (!(from instanceof DuplexChannel duplexFrom) || !(to instanceof DuplexChannel duplexTo)) {
      // No half-close on this transport: deliver what was sent, then end the whole connection.
      to.writeAndFlush(Unpooled.EMPTY_BUFFER)
          .addListener(
              written -> {
                from.close();
                to.close();
              });
      return;
    }
    // Shutting the output down fails any write still queued, so wait for the queue to drain.
    to.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                from.close();
                to.close();
                return;
              }
              duplexTo
                  .shutdownOutput()
                  .addListener(
                      shut -> {
                        if (!shut.isSuccess() || duplexFrom.isOutputShutdown()) {
                          from.close();
                          to.close();
                        }
                      });
            });
  }
}
