package dev.weir.proxy.relay;

import dev.weir.proxy.stats.ListenerCounters;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection to a pool that accepts PROXY headers: waits (for the pool's
 * header timeout) for the header a balancer in front sends, then tells the relay behind it who the
 * client is, starts it, and leaves the pipeline; what followed the header reaches the relay as the
 * client's first bytes. A bad or late header is counted and the connection closed.
 *
 * <p>Holds the connection's channelActive back until then, so the relay picks a backend for the
 * client the header names.
 */
public final class ProxyHeaderHandler extends ChannelInboundHandlerAdapter implements Runnable {

  /** The name it is added under: fixed, so Netty need not make one up per connection. */
  public static final String NAME = "weir-proxy-header";

  private static final Logger log = LoggerFactory.getLogger(ProxyHeaderHandler.class);

  private final long timeoutNanos;
  private final ListenerCounters listener;
  private ChannelHandlerContext ctx;
  // Set while the header is awaited; null once it came, or the connection was refused.
  private ScheduledFuture<?> deadline;

  public ProxyHeaderHandler(RelaySettings settings, ConnectionLease lease) {
    this.timeoutNanos = settings.options().proxyHeaderTimeout().toNanos();
    this.listener = lease.listener();
  }

  /** One per connection; saying so spares Netty's per-add sharability lookup. */
  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Strict: v1 or v2 by the first bytes; anything else fails the decoder. It leaves the
    // pipeline by itself once it has decoded a header, passing on what followed.
    ctx.pipeline().addBefore(ctx.name(), null, new HAProxyMessageDecoder());
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** The deadline passed without a header. */
  @Override
  public void run() {
    reject("no PROXY header within " + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HAProxyMessage header)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ClientAddresses claimed;
    try {
      claimed = ProxyHeaders.claimed(header);
    } catch (IllegalArgumentException e) {
      reject(e.getMessage());
      return;
    } finally {
      header.release();
    }
    if (deadline == null) {
      return; // refused already
    }
    deadline.cancel(false);
    deadline = null;
    if (claimed != null) {
      ctx.fireUserEventTriggered(claimed);
    }
    ctx.fireChannelActive();
    if (!ctx.isRemoved()) { // the relay may have closed the connection, emptying the pipeline
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof HAProxyProtocolException) {
      reject("malformed PROXY header: " + cause.getMessage());
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // Cancelled but kept: the decoder may yet report the header it failed on, which counts.
    if (deadline != null) {
      deadline.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  /** Counts and closes a connection whose header is bad or late (the decoder may have). */
  private void reject(String why) {
    if (deadline == null) {
      return; // counted already, or the header was fine
    }
    deadline.cancel(false);
    deadline = null;
    listener.proxyHeaderRejected();
    log.debug("closing {}: {}", ctx.channel().remoteAddress(), why);
    ctx.channel().close();
  }
}
