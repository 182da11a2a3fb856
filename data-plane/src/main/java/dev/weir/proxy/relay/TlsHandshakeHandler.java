package dev.weir.proxy.relay;

import dev.weir.api.log.LogThrottle;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage behind a terminating SslHandler (or SniHandler): holds the relay back until the
 * client's handshake is done, so a failed one never reaches a backend; then tells the relay of a
 * verified client certificate, lets it start ({@code channelActive}) and leaves. A handshake that
 * fails, or is not done within the pool's handshake timeout (on the event loop's ticker), is
 * counted ({@code tls_handshake_failures}), logged at a bounded rate, and closed.
 */
final class TlsHandshakeHandler extends ChannelInboundHandlerAdapter {
  static final String NAME = "weir-tls-handshake";

  // One line a minute over all connections, with what was left out counted: a scan of the port
  // makes a failed handshake per connection.
  private static final LogThrottle FAILURES =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);
  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeHandler.class);

  private final ConnectionLease lease;
  private final long timeoutNanos;
  private ScheduledFuture<?> deadline;
  private boolean active;
  private boolean done;

  TlsHandshakeHandler(ConnectionLease lease, Duration timeout) {
    this.lease = lease;
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    // Held until the handshake is done: the relay connects to a backend once it is.
    active = true;
    deadline =
        ctx.executor()
            .schedule(
                () ->
                    fail(
                        ctx,
                        "no complete handshake within "
                            + Duration.ofNanos(timeoutNanos).toMillis()
                            + " ms"),
                timeoutNanos,
                TimeUnit.NANOSECONDS);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof SslHandshakeCompletionEvent completion && !done) {
      if (!completion.isSuccess()) {
        fail(ctx, reason(completion.cause()));
        return;
      }
      done = true;
      cancelDeadline();
      ClientIdentity identity = identity(ctx);
      if (identity != null) {
        ctx.fireUserEventTriggered(identity);
      }
      if (active) {
        ctx.fireChannelActive();
      }
      if (!ctx.isRemoved()) { // the relay may have closed the connection already
        ctx.pipeline().remove(this);
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  /** The verified client certificate, if the client sent one. */
  private static ClientIdentity identity(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return null;
      }
      String subject = leaf.getSubjectX500Principal().getName();
      return new ClientIdentity(subject, commonName(subject));
    } catch (SSLPeerUnverifiedException e) {
      return null; // none sent (client auth optional)
    }
  }

  private static String commonName(String subject) {
    try {
      for (Rdn rdn : new LdapName(subject).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return String.valueOf(rdn.getValue());
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    return null;
  }

  private void fail(ChannelHandlerContext ctx, String why) {
    if (done) {
      return;
    }
    done = true;
    cancelDeadline();
    lease.listener().tlsHandshakeFailed();
    long suppressed = FAILURES.admit("handshake");
    if (suppressed != LogThrottle.SUPPRESS) {
      log.warn(
          "TLS handshake from {} on {} failed: {}{}",
          ctx.channel().remoteAddress(),
          ctx.channel().localAddress(),
          why,
          LogThrottle.suppressedNote(suppressed));
    }
    ctx.close();
  }

  /** The failure in a line: the deepest message, which names the alert or the check. */
  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    // Netty's NotSslRecordException message holds a hex dump of what the client sent.
    if (message == null || root.getClass().getSimpleName().equals("NotSslRecordException")) {
      return root.getClass().getSimpleName();
    }
    return message.length() <= 200 ? message : message.substring(0, 200) + "...";
  }

  /** Before the handshake is done, errors are the handshake's: counted once, then closed. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!done) {
      fail(ctx, reason(cause));
      return;
    }
    ctx.fireExceptionCaught(cause);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelDeadline();
    done = true;
    ctx.fireChannelInactive();
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }
}
