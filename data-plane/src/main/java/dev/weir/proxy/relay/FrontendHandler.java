package dev.weir.proxy.relay;

import com.google.protobuf.Timestamp;
import dev.weir.api.log.LogThrottle;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionState;
import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one relayed connection: picks a backend, connects to it on this channel's
 * event loop (so both sides run on one thread and need no locks), then relays client to backend.
 *
 * <p>A failed connect is retried on another backend, so a dead backend costs the client a little
 * latency rather than its connection while others live. A backend at its connection limit is
 * passed over the same way.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {

  /** Its name in the client connection's pipeline. */
  public static final String NAME = "weir-frontend";

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);
  private static final LogThrottle SOCKET_FAILURES =
      new LogThrottle(Duration.ofMinutes(1), System::nanoTime);
  // How long a connection to a listener that accepts PROXY headers may take to send one.
  static final long PROXY_HEADER_TIMEOUT_SECONDS = 5;

  private final Picker picker;
  private final RelaySettings settings;
  private final ListenerCounters listener;
  // This connection's number on this proxy, when it was accepted, and what it carried.
  private final long sequence;
  private final long openedAtMillis;
  private final ConnectionBytes bytes = new ConnectionBytes();
  // Behind an HTTP CONNECT request: answer it once the backend connection is up, or with why not.
  private final boolean tunnel;
  private boolean connectFailed;
  private Channel client;
  private Upstream upstream;
  private Channel backend;
  private boolean relaying;
  private int attempts;
  private Upstream[] tried;
  // What the client sends while the backend connection is being made: reading it at once saves
  // two epoll_ctl calls per connection; past the high water mark reading pauses.
  private ArrayDeque<Object> early;
  private int earlyBytes;
  private boolean clientFinishedEarly;
  private IdleTimeout idle;
  // Null unless the pool counts unanswered connections; one per backend connection attempt.
  private ResponseTimeout response;
  // Who the client is and what it connected to: the socket's own addresses, or a PROXY header's.
  private InetSocketAddress clientAddress;
  private InetSocketAddress destinationAddress;
  // Set while a PROXY header is awaited.
  private ScheduledFuture<?> headerDeadline;

  /**
   * @param picker the pool's picker when the connection was accepted
   * @param listener counts this connection; it was admitted before this handler was added
   */
  public FrontendHandler(Picker picker, RelaySettings settings, ListenerCounters listener) {
    this(picker, settings, listener, 0, false);
  }

  /**
   * @param sequence the connection's number on this proxy, for operators to name it by
   * @param tunnel whether the client asked for this connection with an HTTP CONNECT request
   *     ({@link ConnectRequestHandler}), which then gets its answer from here
   */
  public FrontendHandler(Picker picker, RelaySettings settings, ListenerCounters listener,
      long sequence, boolean tunnel) {
    this.picker = picker;
    this.settings = settings;
    this.listener = listener;
    this.sequence = sequence;
    this.tunnel = tunnel;
    this.openedAtMillis = System.currentTimeMillis();
  }

  /**
   * One per connection. Netty's default answer looks the class up in a per-thread WeakHashMap
   * every time the handler is added to a pipeline, i.e. on every connection.
   */
  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (settings.options().acceptProxyHeader()) {
      // Strict: v1 or v2 by the first bytes; anything else fails the decoder, which closes.
      ctx.pipeline().addBefore(ctx.name(), null, new HAProxyMessageDecoder());
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    long idleNanos = settings.options().idleTimeout().toNanos();
    if (idleNanos > 0) {
      idle = new IdleTimeout(client, idleNanos, this::closeIdle);
      idle.start();
    }
    if (settings.options().acceptProxyHeader()) {
      headerDeadline = client.eventLoop().schedule(
          () -> rejectHeader("no PROXY header within " + PROXY_HEADER_TIMEOUT_SECONDS + " s"),
          PROXY_HEADER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      return;
    }
    start((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
  }

  /** The PROXY header a balancer in front sent; what follows it is the client's own bytes. */
  private void headerReceived(HAProxyMessage header) {
    InetSocketAddress[] claimed;
    try {
      claimed = ProxyHeaders.claimed(header);
    } catch (IllegalArgumentException e) {
      rejectHeader(e.getMessage());
      return;
    } finally {
      header.release();
    }
    headerDeadline.cancel(false);
    headerDeadline = null;
    if (claimed == null) {
      start((InetSocketAddress) client.remoteAddress(), (InetSocketAddress) client.localAddress());
    } else {
      start(claimed[0], claimed[1]);
    }
  }

  /** Counts and closes a connection whose PROXY header is bad or late (the decoder may have). */
  private void rejectHeader(String why) {
    if (headerDeadline == null) {
      return; // counted already, or the header was fine
    }
    headerDeadline.cancel(false);
    headerDeadline = null;
    listener.proxyHeaderRejected();
    log.debug("closing {}: {}", client.remoteAddress(), why);
    client.close();
  }

  private void start(InetSocketAddress clientAddress, InetSocketAddress destinationAddress) {
    this.clientAddress = clientAddress;
    this.destinationAddress = destinationAddress;
    Upstream first = picker.pick(clientAddress);
    if (first == null) {
      giveUp(client, "no backend takes new connections");
      return;
    }
    tryConnect(client, first);
  }

  /** Connects to {@code target} if it has a free slot, else moves on to another backend. */
  private void tryConnect(Channel client, Upstream target) {
    while (target != null && !target.counters().tryAcquire(settings.maxConnectionsPerBackend())) {
      target = nextUntried(target);
    }
    if (target == null) {
      giveUp(client, "every backend tried is full or failed");
      return;
    }
    connect(client, target);
  }

  private void connect(Channel client, Upstream target) {
    upstream = target;
    long started = System.nanoTime();
    long responseNanos = settings.options().outlier().responseTimeoutNanos();
    response = responseNanos > 0
        ? new ResponseTimeout(client, responseNanos, target.counters()) : null;
    BackendHandler handler =
        new BackendHandler(client, target.counters(), idle, bytes, response);
    ChannelFuture connecting = settings.connect(client, target.config().socketAddress(), handler);
    backend = connecting.channel();
    connecting.addListener(
        future -> {
          if (future.isSuccess()) {
            target.counters().connected(System.nanoTime() - started);
            startRelaying(client);
            return;
          }
          target.counters().release();
          if (!client.isActive()) {
            // The client left and channelInactive closed this attempt: not the backend's fault.
            return;
          }
          target.counters().connectFailed();
          connectFailed = true;
          if (log.isDebugEnabled()) {
            log.debug("connect to {} failed: {}", target.config().address(),
                future.cause().toString());
          }
          tryConnect(client, nextUntried(target));
        });
  }

  private void giveUp(Channel client, String why) {
    log.debug("closing {}: {}", client.remoteAddress(), why);
    listener.noBackend();
    if (tunnel) {
      // 502: backends were tried and none could be reached; 503: none would take it.
      ConnectRequestHandler.ConnectResponses.sendAndClose(client, connectFailed ? 502 : 503);
      return;
    }
    client.close();
  }

  private void startRelaying(Channel client) {
    if (!client.isActive()) {
      backend.close();
      return;
    }
    relaying = true;
    if (tunnel) {
      client.writeAndFlush(ConnectRequestHandler.ConnectResponses.established(),
          client.voidPromise());
    }
    int proxyHeader = settings.options().sendProxyHeader();
    if (proxyHeader != 0) {
      ProxyHeaders.write(backend, proxyHeader, clientAddress, destinationAddress);
      if (early == null) {
        backend.flush();
      }
    }
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
    if (!clientFinishedEarly && client.isActive() && !client.config().isAutoRead()
        && backend.isWritable()) {
      client.config().setAutoRead(true); // it paused on a full early buffer
    }
  }

  /** Another backend to try after {@code failed}, or null when attempts are used up. */
  private Upstream nextUntried(Upstream failed) {
    List<Upstream> candidates = picker.candidates();
    int limit = Math.min(settings.maxConnectAttempts(), candidates.size());
    if (tried == null) {
      tried = new Upstream[Math.max(1, limit)];
    }
    if (attempts < tried.length) {
      tried[attempts] = failed;
    }
    attempts++;
    if (attempts >= limit) {
      return null;
    }
    // Prefer the picker's choice so retries still follow the weights; fall back to a scan since
    // a heavily weighted dead backend could keep coming up.
    for (int i = 0; i < candidates.size(); i++) {
      Upstream u = picker.pick(null);
      if (u != null && !wasTried(u)) {
        return u;
      }
    }
    for (Upstream u : candidates) {
      if (!wasTried(u)) {
        return u;
      }
    }
    return null;
  }

  private boolean wasTried(Upstream u) {
    for (int i = 0; i < Math.min(attempts, tried.length); i++) {
      if (tried[i] == u) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HAProxyMessage header) {
      headerReceived(header);
      return;
    }
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
      bytes.fromClient += n;
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
    }
  }

  private void closeIdle() {
    log.debug("closing idle connection from {}", client.remoteAddress());
    closeGracefully(client);
  }

  /**
   * Closes this connection with FIN on both sides if it is relayed to {@code address} of
   * {@code pool} (pools sharing a CONNECT listener may have a backend in common); for drain
   * deadlines. Must run on the channel's event loop.
   *
   * @return whether it was
   */
  public boolean closeIfRelayingTo(String pool, String address) {
    if (upstream == null || !upstream.config().address().equals(address) || backend == null
        || !upstream.counters().pool().equals(pool)) {
      return false;
    }
    upstream.counters().drainClosed();
    closeGracefully(client);
    return true;
  }

  public long sequence() {
    return sequence;
  }

  /** The backend this connection is relayed (or being connected) to, or null before a pick. */
  public String backendAddress() {
    return upstream == null ? null : upstream.config().address();
  }

  /**
   * This connection as operators see it, without id and proxy; must run on the channel's
   * event loop, which alone writes what it reads.
   */
  public ConnectionInfo.Builder describe() {
    // Before channelActive (or a PROXY header) nothing is known of the client yet.
    InetSocketAddress from = clientAddress != null || client == null
        ? clientAddress : (InetSocketAddress) client.remoteAddress();
    InetSocketAddress to = destinationAddress != null || client == null
        ? destinationAddress : (InetSocketAddress) client.localAddress();
    ConnectionInfo.Builder info = ConnectionInfo.newBuilder()
        .setPool(settings.pool())
        .setSequence(sequence)
        .setOpenedAt(Timestamp.newBuilder()
            .setSeconds(Math.floorDiv(openedAtMillis, 1000))
            .setNanos((int) Math.floorMod(openedAtMillis, 1000) * 1_000_000))
        .setBytesFromClient(bytes.fromClient)
        .setBytesToClient(bytes.toClient)
        .setState(state());
    if (from != null) {
      info.setClientAddress(from.getHostString() + ":" + from.getPort());
    }
    if (to != null) {
      info.setListenAddress(to.getHostString() + ":" + to.getPort());
    }
    if (relaying) {
      info.setBackendAddress(upstream.config().address());
    }
    return info;
  }

  private ConnectionState state() {
    if (!relaying) {
      return ConnectionState.CONNECTING;
    }
    boolean clientDone = client instanceof DuplexChannel c && c.isInputShutdown();
    boolean backendDone = backend instanceof DuplexChannel b && b.isInputShutdown();
    return clientDone || backendDone ? ConnectionState.HALF_CLOSED : ConnectionState.OPEN;
  }

  /**
   * Closes this connection with FIN on both sides for an operator, and counts it; must run on
   * the channel's event loop.
   */
  public void closeByOperator() {
    listener.operatorClosed();
    if (client != null) {
      closeGracefully(client);
    }
  }

  /** Flushes what is queued and closes both sides; a plain close sends FIN, not RST. */
  private void closeGracefully(Channel client) {
    if (backend != null) {
      Relays.closeOnFlush(backend);
    }
    Relays.closeOnFlush(client);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    listener.closed();
    if (headerDeadline != null) {
      headerDeadline.cancel(false);
    }
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
    if (cause instanceof HAProxyProtocolException) {
      rejectHeader("malformed PROXY header: " + cause.getMessage());
      return;
    }
    if (cause instanceof IOException) {
      log.debug("client {} connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else if (cause instanceof ChannelException && cause.getCause() instanceof IOException) {
      // No socket for the backend (EMFILE, say): once a minute over all connections, no trace.
      long suppressed = SOCKET_FAILURES.admit(cause.getCause().toString());
      if (suppressed != LogThrottle.SUPPRESS) {
        log.warn("cannot open a backend connection: {}{}", cause.getCause().toString(),
            LogThrottle.suppressedNote(suppressed));
      }
    } else {
      log.warn("client {} relay error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
