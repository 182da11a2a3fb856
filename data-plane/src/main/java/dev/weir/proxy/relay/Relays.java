package dev.weir.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.channels.NotYetConnectedException;

/** The close paths both handlers share. */
final class Relays {

  private Relays() {}

  /** Closes {@code channel} once everything already written to it has been sent. */
  static void closeOnFlush(Channel channel) {
    if (channel.isActive() && !sentAll(channel)) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  /**
   * Whether the socket has taken everything written to {@code channel}. Nearly always so when a
   * side finishes (each read is flushed at once), and then the close paths below act at once rather
   * than send an empty write down the pipeline to learn it from its promise.
   */
  private static boolean sentAll(Channel channel) {
    ChannelOutboundBuffer queued = channel.unsafe().outboundBuffer();
    return queued == null || (queued.isEmpty() && queued.totalPendingWriteBytes() == 0);
  }

  /**
   * {@code msg}, or a copy of it to write to {@code to} in its place. A read from io_uring's shared
   * ring ({@code Transport.readBufferRing}) is a slice of a 256 KiB buffer, which stays allocated
   * while any slice of it lives. Handed straight to the socket, a slice lives for a moment; queued
   * behind bytes {@code to} has not sent, a few bytes would keep a whole buffer for as long as
   * {@code to}'s peer does not read. So a small slice that has to wait is copied.
   */
  static Object holdable(Object msg, Channel to) {
    return sentAll(to) ? msg : compact(msg);
  }

  /**
   * {@code msg}, or a copy of it when it is a slice of a buffer at least 8 times its size, so that
   * holding it does not hold that buffer.
   */
  static Object compact(Object msg) {
    if (msg instanceof ByteBuf slice) {
      ByteBuf whole = slice.unwrap();
      int n = slice.readableBytes();
      if (whole != null && n <= whole.capacity() >>> 3) {
        ByteBuf copy = slice.alloc().directBuffer(n);
        copy.writeBytes(slice);
        slice.release();
        return copy;
      }
    }
    return msg;
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
    SslHandler tls = to.pipeline().get(SslHandler.class);
    if (tls != null && !tls.engine().isOutboundDone()) {
      // TLS on that side: its FIN must follow a close_notify, else the peer cannot tell the end
      // from a truncation (OpenSSL fails the read). The FIN below goes under the SslHandler.
      // What was written before the FIN is encrypted first: once the engine's outbound is
      // closed, bytes still waiting in the SslHandler would be dropped.
      to.flush();
      tls.closeOutbound()
          .addListener(
              sent -> {
                if (sent.isSuccess()) {
                  forwardFin(from, to);
                } else {
                  from.close();
                  to.close();
                }
              });
      return;
    }
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
    if (sentAll(to)) {
      shutDownOutput(duplexFrom, duplexTo);
      return;
    }
    // Shutting the output down fails any write still queued, so wait for the queue to drain.
    to.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            written -> {
              if (written.isSuccess()) {
                shutDownOutput(duplexFrom, duplexTo);
              } else {
                from.close();
                to.close();
              }
            });
  }

  private static void shutDownOutput(DuplexChannel from, DuplexChannel to) {
    if (to instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
      // Native transports: shutdown(2) directly. The queue is empty (forwardFin waited for it),
      // and Netty's shutdownOutput would build a ChannelOutputShutdownException, stack trace and
      // all, to fail the writes that are not there: one per connection, which a
      // connection-per-request profile shows. The socket records the shutdown, so
      // isOutputShutdown() is as after Netty's; a later write would fail with EPIPE and close.
      try {
        socket.shutdown(false, true);
      } catch (IOException | NotYetConnectedException e) {
        // NotYetConnectedException is ENOTCONN: the peer reset the connection before its FIN
        // could be passed on, so there is nothing left to half-close.
        from.close();
        to.close();
        return;
      }
      afterOutputShutdown(from, to);
      return;
    }
    to.shutdownOutput()
        .addListener(
            shut -> {
              if (!shut.isSuccess()) {
                from.close();
                to.close();
                return;
              }
              afterOutputShutdown(from, to);
            });
  }

  private static void afterOutputShutdown(DuplexChannel from, DuplexChannel to) {
    if (from.isOutputShutdown()) {
      from.close();
      to.close();
      return;
    }
    // When `to` sends its FIN in turn, the connection is over: have Netty close it rather than
    // shutdown(2) its input, which fails with ENOTCONN (an exception per connection), and whose
    // event would close both anyway. Its handler's channelInactive closes the other side.
    to.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
  }

  private static void closeBothAfterFlush(Channel from, Channel to) {
    if (sentAll(to)) {
      from.close();
      to.close();
      return;
    }
    to.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            written -> {
              from.close();
              to.close();
            });
  }
}
