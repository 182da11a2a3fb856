package dev.weir.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.function.Consumer;

/**
 * On a backend connection of a PostgreSQL client whose SSLRequest the proxy answered: sends the
 * backend the same request, takes its one-byte answer out of the stream (the client already had its
 * "S") and leaves, so the client's ClientHello reaches a backend that expects it. A backend that
 * answers anything but "S" does not speak TLS; the connection cannot go on.
 */
final class PostgresSslReplay extends ChannelInboundHandlerAdapter {
  static final String NAME = "weir-postgres-ssl-replay";

  private final Runnable ready;
  private final Consumer<String> refused;

  /**
   * @param ready runs once the backend said "S", on the backend's event loop
   * @param refused runs with the reason when it said something else, or closed
   */
  private PostgresSslReplay(Runnable ready, Consumer<String> refused) {
    this.ready = ready;
    this.refused = refused;
  }

  /** Asks {@code backend} (connected, its relay handler in place) for TLS. */
  static void start(Channel backend, Runnable ready, Consumer<String> refused) {
    backend.pipeline().addFirst(NAME, new PostgresSslReplay(ready, refused));
    backend.writeAndFlush(
        Unpooled.wrappedBuffer(PostgresSslRequestHandler.SSL_REQUEST), backend.voidPromise());
  }

  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in) || !in.isReadable()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    byte answer = in.readByte();
    ctx.pipeline().remove(this);
    if (answer != 'S') {
      in.release();
      refused.accept("it answered the SSLRequest with '" + (char) answer + "', not 'S'");
      return;
    }
    ready.run();
    if (in.isReadable()) {
      ctx.fireChannelRead(in); // a server's first TLS bytes never come before the ClientHello
    } else {
      in.release();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    refused.accept("it closed the connection instead of answering the SSLRequest");
    ctx.fireChannelInactive();
  }
}
