package dev.weir.proxy.relay;

import dev.weir.api.log.LogThrottle;
import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one relayed connection, the last stage of its pipeline: connects to a backend
 * on this channel's event loop (so both sides run on one thread and need no locks), then relays
 * client to backend; {@link BackendHandler} relays the other way.
 *
 * <p>Which backend, and which next when a connect fails, is {@link ConnectRetryPolicy}'s call. What
 * the client sends meanwhile is held, up to the pool's high water mark. Each side's FIN is passed
 * on (half-close), and a side whose peer cannot keep up stops being read until it drains
 * (backpressure). What the connection holds is given back by its {@link ConnectionLease}.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter
    implements ChannelFutureListener {

  /** Its name in the client connection's pipeline. */
  public static final String NAME = "weir-frontend";

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
  private static final LogThrottle SOCKET_FAILURES =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);
  private static final LogThrottle BACKEND_REFUSED_TLS =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);

  private final RelaySettings settings;
  private final ConnectionLease lease;
  private final ConnectRetryPolicy retries;
  private final SetupReplies replies;
  private final long openedAtMillis;
  private Channel client;
  // Who the client is and what it connected to, when a stage before this one said so.
  private ClientAddresses claimed;
  // The client certificate a TLS terminating stage verified; null for none.
  private ClientIdentity identity;
  private Upstream upstream;
  private Channel backend;
  private long connectStartedNanos;
  private boolean relaying;
  private boolean proxyHeaderWritten;
  // What the client sends while the backend connection is being made: reading it at once saves
  // two epoll_ctl calls per connection; past the high water mark reading pauses.
  private ArrayDeque<Object> early;
  private int earlyBytes;
  private boolean clientFinishedEarly;
  private IdleTimeout idle;
  // Null unless the pool counts unanswered connections; one per backend connection attempt.
  private ResponseTimeout response;

  /**
   * @param picker the pool's picker when the connection was accepted
   * @param lease what the connection holds; admitted before this handler was added
   */
  public FrontendHandler(Picker picker, RelaySettings settings, ConnectionLease lease) {
    this(picker, settings, lease, SetupReplies.NONE);
  }

  /**
   * @param replies what the client is told of its backend connection
   */
  FrontendHandler(
      Picker picker, RelaySettings settings, ConnectionLease lease, SetupReplies replies) {
    this.settings = settings;
    this.lease = lease;
    this.replies = replies;
    this.retries = new ConnectRetryPolicy(picker, lease, settings.maxConnectionsPerBackend());
    this.openedAtMillis = System.currentTimeMillis();
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
  public void handlerAdded(ChannelHandlerContext ctx) {
    client = ctx.channel();
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    // The idle timeout runs from accept, also while a stage in front waits for its header.
    startIdleTimeout();
    ctx.fireChannelRegistered();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    startIdleTimeout(); // added after registration, behind a CONNECT request
    connect(retries.first(clientAddress()));
  }

  private void startIdleTimeout() {
    long idleNanos = settings.options().idleTimeout().toNanos();
    if (idleNanos > 0 && idle == null) {
      idle = new IdleTimeout(client, idleNanos, this::closeIdle);
      idle.start();
    }
  }

  private void connect(Upstream target) {
    if (target == null) {
      giveUp();
      return;
    }
    upstream = target;
    long responseNanos = settings.options().outlier().responseTimeoutNanos();
    response =
        responseNanos > 0 ? new ResponseTimeout(client, responseNanos, target.counters()) : null;
    BackendHandler handler = new BackendHandler(client, target.counters(), idle, lease, response);
    connectStartedNanos = client.eventLoop().ticker().nanoTime();
    ChannelFuture connecting = settings.connect(client, target.config().socketAddress(), handler);
    backend = connecting.channel();
    connecting.addListener(this);
  }

  /** The connect to {@link #upstream} is done. */
  @Override
  public void operationComplete(ChannelFuture future) {
    Upstream target = upstream;
    if (future.isSuccess()) {
      target.counters().connected(client.eventLoop().ticker().nanoTime() - connectStartedNanos);
      if (PostgresSslRequestHandler.sslRequested(client)) {
        // The backend reads a PROXY header first, then the SSLRequest the client sent us.
        writeProxyHeader();
        PostgresSslReplay.start(backend, this::startRelaying, this::backendRefusedTls);
        return;
      }
      startRelaying();
      return;
    }
    lease.returnSlot();
    if (!client.isActive()) {
      // The client left and channelInactive closed this attempt: not the backend's fault.
      return;
    }
    target.counters().connectFailed();
    if (log.isDebugEnabled()) {
      log.debug("connect to {} failed: {}", target.config().address(), future.cause().toString());
    }
    connect(retries.next(target));
  }

  private void giveUp() {
    log.debug("closing {}: {}", client.remoteAddress(), retries.whyNone());
    lease.listener().noBackend();
    replies.unavailable(client, retries.connectFailed());
    Relays.closeOnFlush(client);
  }

  private void startRelaying() {
    if (!client.isActive()) {
      backend.close();
      return;
    }
    relaying = true;
    replies.established(client);
    if (writeProxyHeader() && early == null) {
      backend.flush();
    }
    settings.startBackendTls(backend, upstream.config().socketAddress());
    if (early != null) {
      for (Object msg : early) {
        forward(client, msg);
      }
      early = null;
      backend.flush();
    }
    if (clientFinishedEarly) {
      Relays.forwardFin(client, backend);
    }
    if (!clientFinishedEarly
        && client.isActive()
        && !client.config().isAutoRead()
        && backend.isWritable()) {
      client.config().setAutoRead(true); // it paused on a full early buffer
    }
  }

  /** Writes the PROXY header the pool sends, once; whether it wrote one now. */
  private boolean writeProxyHeader() {
    int proxyHeader = settings.options().sendProxyHeader();
    if (proxyHeader == 0 || proxyHeaderWritten) {
      return false;
    }
    proxyHeaderWritten = true;
    ProxyHeaders.write(backend, proxyHeader, clientAddress(), listenAddress(), identity);
    return true;
  }

  /** The backend of a PostgreSQL client would not start TLS: the client cannot go on. */
  private void backendRefusedTls(String why) {
    if (relaying) {
      return;
    }
    long suppressed = BACKEND_REFUSED_TLS.admit("no TLS");
    if (suppressed != LogThrottle.SUPPRESS) {
      log.warn(
          "closing {}: backend {} of a PostgreSQL TLS routing pool does not start TLS: {}"
              + " (is ssl on?){}",
          client.remoteAddress(),
          upstream.config().address(),
          why,
          LogThrottle.suppressedNote(suppressed));
    }
    backend.close();
    client.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!relaying) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      // Held until the backend connection is up.
      msg = Relays.compact(msg);
      early.add(msg);
      if (msg instanceof ByteBuf buf) {
        earlyBytes += buf.readableBytes();
        if (earlyBytes >= settings.earlyBufferLimit()) {
          ctx.channel().config().setAutoRead(false);
        }
      }
      return;
    }
    forward(ctx.channel(), msg);
  }

  private void forward(Channel client, Object msg) {
    if (msg instanceof ByteBuf buf) {
      int n = buf.readableBytes();
      upstream.counters().toBackend(n);
      lease.fromClient += n;
      if (response != null && n > 0) {
        response.clientSent();
      }
    }
    backend.write(Relays.holdable(msg, backend), backend.voidPromise());
    Relays.pauseIfBackedUp(client, backend);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.touch();
    }
    if (relaying) {
      backend.flush();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (relaying && ctx.channel().isWritable()) {
      backend.config().setAutoRead(true);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ChannelInputShutdownEvent.INSTANCE) {
      if (relaying) {
        Relays.forwardFin(ctx.channel(), backend);
      } else {
        clientFinishedEarly = true;
      }
    } else if (evt instanceof ClientAddresses addresses) {
      claimed = addresses;
    } else if (evt instanceof ClientIdentity verified) {
      identity = verified;
    }
  }

  private void closeIdle() {
    log.debug("closing idle connection from {}", client.remoteAddress());
    closeGracefully();
  }

  /**
   * Closes both sides with FIN once what is queued for them is sent; a plain close sends FIN, not
   * RST. Must run on the channel's event loop.
   */
  public void closeGracefully() {
    if (backend != null) {
      Relays.closeOnFlush(backend);
    }
    Relays.closeOnFlush(client);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idle != null) {
      idle.cancel();
    }
    if (response != null) {
      response.cancel();
    }
    if (early != null) {
      early.forEach(ReferenceCountUtil::release);
      early = null;
    }
    if (backend != null) {
      Relays.closeOnFlush(backend);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof IOException) {
      log.debug("client {} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else if (cause instanceof ChannelException && cause.getCause() instanceof IOException) {
      // No socket for the backend (EMFILE, say): once a minute over all connections, no trace.
      long suppressed = SOCKET_FAILURES.admit(cause.getCause().toString());
      if (suppressed != LogThrottle.SUPPRESS) {
        log.warn(
            "cannot open a backend connection: {}{}",
            cause.getCause().toString(),
            LogThrottle.suppressedNote(suppressed));
      }
    } else {
      log.warn("client {} relay error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }

  // What operators see of the connection (OpenConnections); read on the channel's event loop.

  public ConnectionLease lease() {
    return lease;
  }

  public String pool() {
    return settings.pool();
  }

  /** How this connection is relayed; the pool's at accept. */
  RelaySettings settings() {
    return settings;
  }

  public long openedAtMillis() {
    return openedAtMillis;
  }

  /** Who the client is: what a PROXY header claimed, else the socket's peer. */
  public InetSocketAddress clientAddress() {
    return claimed != null ? claimed.client() : (InetSocketAddress) client.remoteAddress();
  }

  /** What the client connected to: what a PROXY header claimed, else this socket's address. */
  public InetSocketAddress listenAddress() {
    return claimed != null ? claimed.destination() : (InetSocketAddress) client.localAddress();
  }

  /** The backend this connection is relayed or being connected to; null before a pick. */
  public BackendCounters backend() {
    return upstream == null ? null : upstream.counters();
  }

  /** Whether the backend connection is up and bytes are relayed. */
  public boolean relaying() {
    return relaying;
  }

  /** Whether either side has sent its FIN. */
  public boolean halfClosed() {
    return client instanceof DuplexChannel c && c.isInputShutdown()
        || backend instanceof DuplexChannel b && b.isInputShutdown();
  }
}
