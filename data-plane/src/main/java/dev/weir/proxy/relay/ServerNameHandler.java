package dev.weir.proxy.relay;

import dev.weir.api.log.LogThrottle;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection to a TLS routing listener: waits for the client's ClientHello
 * (Netty reads it, across as many TCP segments and TLS records as it comes in, up to {@value
 * #MAX_CLIENT_HELLO_BYTES} bytes, within the listener's ClientHello timeout), hands the connection
 * to a {@link FrontendHandler} of the pool that answers to its server name, and leaves the
 * pipeline, passing on every byte it held: the backend sees the ClientHello as the client sent it
 * and terminates TLS itself.
 *
 * <p>First bytes that are not a ClientHello are refused and counted ({@code sni_rejected}); a
 * server name no pool takes gets a TLS "unrecognized_name" alert and is counted ({@code
 * sni_unmatched}). Either way no byte reaches a backend.
 */
public final class ServerNameHandler extends AbstractSniHandler<FrontendHandler> {
  /** The name it is added under: fixed, so Netty need not make one up per connection. */
  public static final String NAME = "weir-server-name";

  /**
   * Larger than any ClientHello a client sends (post-quantum key shares make them 1.5 KB and more;
   * large session tickets a few KB), small enough that a connection costs little.
   */
  static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;

  private static final int MAX_LOGGED_NAME = 100;

  /**
   * A fatal alert, unrecognized_name (RFC 6066, section 3), in a TLS 1.2 record: what a TLS server
   * answers a name it does not serve, so the client reports that instead of a bare EOF.
   */
  private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

  // Unmatched names: every one counted, a line per minute logged (with the count left out).
  private static final LogThrottle UNMATCHED =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);
  private static final Logger log = LoggerFactory.getLogger(ServerNameHandler.class);

  private final ServerNameTargets targets;
  private final ConnectionLease lease;
  // Whether the first record was a ClientHello: Netty looks up a null name for both a
  // ClientHello without SNI and bytes that are no ClientHello at all.
  private boolean clientHello;
  private ScheduledFuture<?> deadline;
  // Refused or handed on: nothing more to do here.
  private boolean done;

  /**
   * @param lease what the connection holds; admitted before this handler was added
   */
  public ServerNameHandler(ServerNameTargets targets, ConnectionLease lease) {
    // Netty's own handshake timeout is off: the deadline below counts what it cuts.
    super(MAX_CLIENT_HELLO_BYTES, 0L);
    this.targets = targets;
    this.lease = lease;
  }

  /** One per connection; saying so spares Netty's per-add sharability lookup. */
  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    long timeoutNanos = targets.clientHelloTimeout().toNanos();
    deadline =
        ctx.executor()
            .schedule(
                () ->
                    reject(
                        ctx,
                        "no complete ClientHello within "
                            + Duration.ofNanos(timeoutNanos).toMillis()
                            + " ms"),
                timeoutNanos,
                TimeUnit.NANOSECONDS);
    super.channelActive(ctx);
  }

  @Override
  protected Future<FrontendHandler> lookup(ChannelHandlerContext ctx, ByteBuf hello)
      throws Exception {
    clientHello = hello != null;
    return super.lookup(ctx, hello);
  }

  @Override
  protected Future<FrontendHandler> lookup(ChannelHandlerContext ctx, String serverName) {
    FrontendHandler frontend =
        clientHello && !done ? targets.frontendFor(serverName, ctx.channel(), lease) : null;
    return ctx.executor().newSucceededFuture(frontend);
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, String serverName, Future<FrontendHandler> future) {
    if (done) {
      return;
    }
    if (!clientHello) {
      reject(ctx, "the first bytes are not a TLS ClientHello");
      return;
    }
    FrontendHandler frontend = future.getNow();
    if (frontend == null) {
      unmatched(ctx, serverName);
      return;
    }
    finish();
    if (serverName != null) {
      lease.serverName(serverName); // at most 64 KiB; the operator view trims it
    }
    ctx.pipeline().addAfter(ctx.name(), FrontendHandler.NAME, frontend);
    if (frontend.settings().terminatesTls()) {
      // The pool terminates TLS: the ClientHello handed on below starts its handshake.
      frontend.settings().addTlsStages(ctx.channel(), ctx.name(), lease);
    }
    ctx.fireChannelActive();
    // Removing a decoder passes on what it holds: the ClientHello, and anything after it.
    if (!ctx.isRemoved()) { // the relay may have closed the connection, emptying the pipeline
      ctx.pipeline().remove(this);
    }
  }

  private void unmatched(ChannelHandlerContext ctx, String serverName) {
    finish();
    lease.listener().sniUnmatched();
    long suppressed = UNMATCHED.admit("unmatched");
    if (suppressed != LogThrottle.SUPPRESS) {
      String name =
          serverName == null
              ? "no server name"
              : "server name \""
                  + (serverName.length() <= MAX_LOGGED_NAME
                      ? serverName
                      : serverName.substring(0, MAX_LOGGED_NAME) + "...")
                  + "\"";
      log.warn(
          "refused TLS from {} with {}: no pool on {} answers to it and none is the" + " default{}",
          ctx.channel().remoteAddress(),
          name,
          ctx.channel().localAddress(),
          LogThrottle.suppressedNote(suppressed));
    }
    ctx.channel().config().setAutoRead(false);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Counts and closes a connection that sent no (timely) ClientHello. */
  private void reject(ChannelHandlerContext ctx, String why) {
    if (done) {
      return;
    }
    finish();
    lease.listener().sniRejected();
    if (log.isDebugEnabled()) {
      log.debug("closing {}: {}", ctx.channel().remoteAddress(), why);
    }
    ctx.close();
  }

  private void finish() {
    done = true;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt == ChannelInputShutdownEvent.INSTANCE && !done) {
      if (actualReadableBytes() == 0) {
        finish();
        ctx.close(); // connected and left without a word: not a bad ClientHello
      } else {
        reject(ctx, "the client closed its side before its ClientHello was complete");
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    finish(); // still here: nothing was handed on; the lease gives back what the connection held
    super.channelInactive(ctx);
  }

  /**
   * Netty has already closed the connection for a record that is no TLS (NotSslRecordException) or
   * a ClientHello over the limit (TooLongFrameException). Their messages hold a hex dump of what
   * the client sent, so only the class is logged.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      if (!done) {
        finish();
      }
      log.debug(
          "client {} connection failed: {}",
          ctx.channel().remoteAddress(),
          cause.getClass().getSimpleName());
      ctx.close();
      return;
    }
    Throwable root = cause.getCause() != null ? cause.getCause() : cause;
    reject(
        ctx,
        "not a TLS ClientHello of at most "
            + MAX_CLIENT_HELLO_BYTES
            + " bytes ("
            + root.getClass().getSimpleName()
            + ")");
    ctx.close();
  }
}
