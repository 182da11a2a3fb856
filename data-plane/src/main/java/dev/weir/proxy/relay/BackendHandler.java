package dev.weir.proxy.relay;

import dev.weir.proxy.stats.BackendCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backend side of one relayed connection: backend to client. */
final class BackendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);

  private final Channel client;
  private final BackendCounters counters;
  private final IdleTimeout idle;
  private final ConnectionLease lease;
  private final ResponseTimeout response;

  /**
   * @param idle the connection's idle timeout, or null if it has none
   * @param lease counts this connection's bytes, and gives its slot on the backend back when the
   *     client closes (which a backend's close leads to)
   * @param response watches whether the backend answers, or null when the pool does not
   */
  BackendHandler(
      Channel client,
      BackendCounters counters,
      IdleTimeout idle,
      ConnectionLease lease,
      ResponseTimeout response) {
    this.client = client;
    this.counters = counters;
    this.idle = idle;
    this.lease = lease;
    this.response = response;
  }

  /**
   * One per connection. Netty's default answer looks the class up in a per-thread WeakHashMap every
   * time the handler is added to a pipeline, i.e. on every connection.
   */
  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      int n = buf.readableBytes();
      counters.toClient(n);
      lease.toClient += n;
      if (response != null && n > 0) {
        response.backendSent();
      }
    }
    client.write(Relays.holdable(msg, client), client.voidPromise());
    Relays.pauseIfBackedUp(ctx.channel(), client);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.touch();
    }
    client.flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      client.config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      Relays.forwardFin(ctx.channel(), client);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (response != null) {
      response.cancel();
    }
    Relays.closeOnFlush(client);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("backend {} connection failed: {}", counters.address(), cause.toString());
    } else {
      log.warn("backend {} relay error", counters.address(), cause);
    }
    ctx.close();
  }
}
