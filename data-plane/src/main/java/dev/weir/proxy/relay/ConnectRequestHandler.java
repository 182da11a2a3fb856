package dev.weir.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection to an HTTP CONNECT listener: reads the request head (at most
 * {@value #MAX_HEAD_BYTES} bytes, within the listener's head timeout), then hands the connection to
 * a {@link FrontendHandler} of the pool that answers to the target, with whatever the client sent
 * after the head, and leaves the pipeline. That relay answers "200 Connection Established" once its
 * backend connection is up, in the words this stage gives it ({@link ConnectResponses}). Refusals
 * are answered and closed here.
 *
 * <p>Plain TCP listeners never see this handler.
 */
public final class ConnectRequestHandler extends ChannelInboundHandlerAdapter {
  /** The name it is added under: fixed, so Netty need not make one up per connection. */
  public static final String NAME = "weir-connect-request";

  private static final Logger log = LoggerFactory.getLogger(ConnectRequestHandler.class);
  static final int MAX_HEAD_BYTES = 8192;
  private static final int MAX_LOGGED_TARGET = 100;
  // Forbidden targets are all counted; a WARN line goes out at most every 100 ms (proxy-wide),
  // the rest at DEBUG, so a scan cannot flood the log.
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());

  private final ConnectTargets targets;
  private final ConnectionLease lease;
  private ByteBuf head;
  // How many bytes of "\r\n\r\n" the head ends with so far.
  private int matched;
  private ScheduledFuture<?> deadline;
  // Answered (refused) or handed on: nothing more to read here.
  private boolean done;

  /**
   * @param lease what the connection holds; admitted before this handler was added
   */
  public ConnectRequestHandler(ConnectTargets targets, ConnectionLease lease) {
    this.targets = targets;
    this.lease = lease;
  }

  /** One per connection; saying so spares Netty's per-add sharability lookup. */
  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long timeoutNanos = targets.headTimeout().toNanos();
    deadline =
        ctx.executor()
            .schedule(
                () ->
                    refuse(
                        ctx,
                        408,
                        "no complete request head within "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)
                            + " s"),
                timeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (done || !(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (head == null) {
      head = ctx.alloc().heapBuffer(256, MAX_HEAD_BYTES);
    }
    int end = endOfHead(in);
    int taken = (end < 0 ? in.writerIndex() : end) - in.readerIndex();
    if (head.readableBytes() + taken > MAX_HEAD_BYTES) {
      in.release();
      refuse(ctx, 400, "request head longer than " + MAX_HEAD_BYTES + " bytes");
      return;
    }
    head.writeBytes(in, taken);
    if (end < 0) {
      in.release();
      return;
    }
    // Without the empty line that ends the head.
    String text = head.toString(0, head.readableBytes() - 2, StandardCharsets.ISO_8859_1);
    ConnectRequestHead.Result request = ConnectRequestHead.parse(text);
    if (!request.accepted()) {
      in.release();
      refuse(ctx, request.status(), "malformed request head");
      return;
    }
    FrontendHandler frontend = targets.frontendFor(request.authority(), ctx.channel(), lease);
    if (frontend == null) {
      in.release();
      forbid(ctx, request.authority());
      return;
    }
    finish();
    ctx.pipeline().addAfter(ctx.name(), FrontendHandler.NAME, frontend);
    ctx.fireChannelActive();
    if (in.isReadable()) {
      ctx.fireChannelRead(in); // pipelined: the first bytes of the tunnel
    } else {
      in.release();
    }
    if (!ctx.isRemoved()) { // the relay may have closed the connection, emptying the pipeline
      ctx.pipeline().remove(this);
    }
  }

  /** Where the head ends in {@code in} (after its "\r\n\r\n"), or -1 if not in it. */
  private int endOfHead(ByteBuf in) {
    for (int i = in.readerIndex(); i < in.writerIndex(); i++) {
      byte b = in.getByte(i);
      if (b == (matched % 2 == 0 ? '\r' : '\n')) {
        matched++;
        if (matched == 4) {
          return i + 1;
        }
      } else {
        matched = b == '\r' ? 1 : 0;
      }
    }
    return -1;
  }

  private void forbid(ChannelHandlerContext ctx, String authority) {
    lease.listener().connectForbidden();
    long now = System.nanoTime();
    long next = nextWarnNanos.get();
    boolean warn = now - next >= 0 && nextWarnNanos.compareAndSet(next, now + WARN_INTERVAL_NANOS);
    String target =
        authority.length() <= MAX_LOGGED_TARGET
            ? authority
            : authority.substring(0, MAX_LOGGED_TARGET) + "...";
    if (warn) {
      log.warn(
          "refused CONNECT from {} to {}: no pool on {} answers to it",
          ctx.channel().remoteAddress(),
          target,
          ctx.channel().localAddress());
    } else if (log.isDebugEnabled()) {
      log.debug("refused CONNECT from {} to {}", ctx.channel().remoteAddress(), target);
    }
    answerAndClose(ctx.channel(), 403);
  }

  /** Counts, answers {@code status} and closes: a request this listener will not tunnel. */
  private void refuse(ChannelHandlerContext ctx, int status, String why) {
    if (done) {
      return;
    }
    lease.listener().connectRejected();
    if (log.isDebugEnabled()) {
      log.debug("closing {}: {} ({})", ctx.channel().remoteAddress(), why, status);
    }
    answerAndClose(ctx.channel(), status);
  }

  private void answerAndClose(Channel client, int status) {
    finish();
    client.config().setAutoRead(false);
    ConnectResponses.sendAndClose(client, status);
  }

  private void finish() {
    done = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
    if (head != null) {
      head.release();
      head = null;
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE && !done) {
      if (head == null || head.readableBytes() == 0) {
        finish();
        ctx.close(); // connected and left without a word: not a bad request
      } else {
        refuse(ctx, 400, "request head cut short");
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    finish(); // still here: nothing was handed on; the lease gives back what the connection held
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("client {} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("client {} CONNECT stage error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  /** The fixed answers of a CONNECT listener; the relay gives the ones about its backend. */
  static final class ConnectResponses implements SetupReplies {
    static final ConnectResponses INSTANCE = new ConnectResponses();
    private static final byte[] ESTABLISHED =
        "HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private ConnectResponses() {}

    @Override
    public void established(Channel client) {
      client.writeAndFlush(Unpooled.wrappedBuffer(ESTABLISHED), client.voidPromise());
    }

    /** 502: backends were tried and none could be reached; 503: none would take it. */
    @Override
    public void unavailable(Channel client, boolean backendsFailed) {
      sendAndClose(client, backendsFailed ? 502 : 503);
    }

    /** Answers {@code status} with no body and closes once it is written. */
    static void sendAndClose(Channel client, int status) {
      String reason =
          switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "Error";
          };
      String allow = status == 405 ? "Allow: CONNECT\r\n" : "";
      byte[] bytes =
          ("HTTP/1.1 "
                  + status
                  + " "
                  + reason
                  + "\r\n"
                  + allow
                  + "Content-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII);
      if (client.isActive()) {
        client
            .writeAndFlush(Unpooled.wrappedBuffer(bytes))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        client.close();
      }
    }
  }
}
