package dev.weir.proxy.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
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
   * Called after writing what {@code from} sent to {@code to}: once {@code to} holds more than its
   * high water mark, hands it to the kernel at once, and stops reading {@code from} only if the
   * kernel did not take enough of it. Pausing before trying would switch reading off and on again
   * (two epoll_ctl calls and a break in the read loop) for nearly every 64 KiB of a bulk transfer
   * that the socket could have taken; the bytes held here stay bounded by the water mark plus one
   * read either way.
   */
  static void pauseIfBackedUp(Channel from, Channel to) {
    if (!to.isWritable()) {
      to.flush();
      if (!to.isWritable()) {
        from.config().setAutoRead(false);
      }
    }
  }

  /**
   * {@code from} sent FIN: pass it on to {@code to} after the bytes before it, and close both once
   * the other direction has finished too. Channels that cannot half-close are closed instead.
   */
  static void forwardFin(Channel from, Channel to) {
    if (!(from instanceof DuplexChannel duplexFrom) || !(to instanceof DuplexChannel duplexTo)) {
      // No half-close on this transport: deliver what was sent, then end the whole connection.
      closeBothAfterFlush(from, to);
      return;
    }
    if (duplexFrom.isOutputShutdown()) {
      // The other direction has finished already, so this FIN ends the connection: closing `to`
      // sends its FIN after the queued bytes, and saves a shutdown(2) and the exception Netty
      // makes for every shutdownOutput.
      closeBothAfterFlush(from, to);
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
                          return;
                        }
                        // When `to` sends its FIN in turn, the connection is over: have Netty
                        // close it rather than shutdown(2) its input, which fails with ENOTCONN
                        // (an exception per connection), and whose event would close both
                        // anyway. Its handler's channelInactive closes the other side.
                        to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
                      });
            });
  }

  private static void closeBothAfterFlush(Channel from, Channel to) {
    to.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            written -> {
              from.close();
              to.close();
            });
  }
}
