package dev.weir.proxy.relay;

import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.tls.BackendTls;
import dev.weir.proxy.tls.ServerTls;
import dev.weir.proxy.transport.RelayReads;
import dev.weir.proxy.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How one pool's connections are relayed, fixed per config version.
 *
 * <p>Backend connections to an IP address are made without a {@link Bootstrap}: a bootstrap per
 * connection would copy its option map, set every option again through it, and take the resolver
 * group's lock, none of which a connection to a known address needs. Netty already turns
 * TCP_NODELAY on for every socket it makes or accepts, so neither side sets it again (each would be
 * a setsockopt per connection).
 */
public final class RelaySettings {

  /** The most one read takes from a socket; a side holds at most the high mark plus this. */
  public static final int MAX_READ_BYTES = RelayReads.MAX_READ_BYTES;

  // Reads grow to 256 KiB when a side sends that fast (Netty's default stops at 64 KiB), so a
  // bulk stream costs a quarter of the read and write syscalls; small exchanges stay small.
  private static final RelayReads READS = new RelayReads(MAX_READ_BYTES);
  // Named, so the pipeline need not make up (and check) a name per connection.
  private static final String BACKEND_HANDLER = "weir-backend";
  private static final String TLS_HANDLER = "weir-tls";
  private static final String BACKEND_TLS_HANDLER = "weir-backend-tls";

  private final String pool;
  private final Transport transport;
  // For backends named by host name, which need the bootstrap's resolver.
  private final Bootstrap template;
  private final PoolOptions options;
  private final WriteBufferWaterMark waterMark;
  private final int connectTimeoutMillis;
  private final BackendConnector connector;
  // Null unless the pool terminates TLS; then backendTls is null unless it re-encrypts.
  private final ServerTls serverTls;
  private final BackendTls backendTls;
  private final Duration handshakeTimeout;

  /**
   * @param defaultConnectTimeout used when the pool sets none
   */
  public RelaySettings(
      String pool, Transport transport, PoolOptions options, Duration defaultConnectTimeout) {
    this(pool, transport, options, defaultConnectTimeout, null);
  }

  /**
   * @param connector makes backend connections in place of sockets (tests); null for sockets
   */
  RelaySettings(
      String pool,
      Transport transport,
      PoolOptions options,
      Duration defaultConnectTimeout,
      BackendConnector connector) {
    this(pool, transport, options, defaultConnectTimeout, connector, null, null);
  }

  /**
   * @param serverTls terminates the clients' TLS; null for a pool that does not
   * @param backendTls re-encrypts to the backends; null for plaintext
   */
  public RelaySettings(
      String pool,
      Transport transport,
      PoolOptions options,
      Duration defaultConnectTimeout,
      ServerTls serverTls,
      BackendTls backendTls) {
    this(pool, transport, options, defaultConnectTimeout, null, serverTls, backendTls);
  }

  private RelaySettings(
      String pool,
      Transport transport,
      PoolOptions options,
      Duration defaultConnectTimeout,
      BackendConnector connector,
      ServerTls serverTls,
      BackendTls backendTls) {
    this.serverTls = serverTls;
    this.backendTls = serverTls != null ? backendTls : null;
    this.handshakeTimeout = serverTls != null ? serverTls.config().handshakeTimeout() : null;
    this.pool = pool;
    this.transport = transport;
    this.options = options;
    this.waterMark = options.waterMark();
    this.connector = connector != null ? connector : this::connectSocket;
    Duration connectTimeout =
        options.connectTimeout() != null ? options.connectTimeout() : defaultConnectTimeout;
    this.connectTimeoutMillis =
        (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    this.template =
        new Bootstrap()
            .channel(transport.channelClass())
            // The client is connected already, so what the backend sends can be relayed at once.
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
    if (options.socketBufferBytes() > 0) {
      template.option(ChannelOption.SO_RCVBUF, options.socketBufferBytes());
      template.option(ChannelOption.SO_SNDBUF, options.socketBufferBytes());
    }
  }

  /** Applies this pool's per-connection options to an accepted client connection. */
  public void configureClient(Channel client) {
    client.config().setWriteBufferWaterMark(waterMark);
    client.config().setRecvByteBufAllocator(READS);
    transport.shareReadBuffers(client);
    if (options.socketBufferBytes() > 0) {
      client.config().setOption(ChannelOption.SO_RCVBUF, options.socketBufferBytes());
      client.config().setOption(ChannelOption.SO_SNDBUF, options.socketBufferBytes());
    }
  }

  /** The pool's TLS termination; null when it has none. */
  public ServerTls serverTls() {
    return serverTls;
  }

  /** Whether the pool terminates its clients' TLS. */
  public boolean terminatesTls() {
    return serverTls != null;
  }

  /**
   * Adds the stages that terminate the client's TLS after the handler named {@code after} (or last,
   * when null): the pool's SslHandler (or SniHandler) with the certificate of this moment, then the
   * stage that holds the relay back until the handshake is done.
   */
  public void addTlsStages(Channel client, String after, ConnectionLease lease) {
    ChannelHandler terminator = serverTls.newHandler(client.alloc());
    TlsHandshakeHandler handshake = new TlsHandshakeHandler(lease, handshakeTimeout);
    if (after == null) {
      client.pipeline().addLast(TLS_HANDLER, terminator);
      client.pipeline().addLast(TlsHandshakeHandler.NAME, handshake);
    } else {
      client.pipeline().addAfter(after, TlsHandshakeHandler.NAME, handshake);
      client.pipeline().addAfter(after, TLS_HANDLER, terminator);
    }
  }

  /**
   * Starts TLS on a connected backend connection, after anything written to it so far (a PROXY
   * header goes before the handshake). Nothing when the pool relays plaintext.
   */
  void startBackendTls(Channel backend, InetSocketAddress target) {
    if (backendTls != null) {
      backend
          .pipeline()
          .addFirst(BACKEND_TLS_HANDLER, backendTls.newHandler(backend.alloc(), target));
    }
  }

  /** The pool these settings are for. */
  public String pool() {
    return pool;
  }

  public PoolOptions options() {
    return options;
  }

  /**
   * Starts connecting to {@code target} on {@code client}'s event loop, so both halves of the relay
   * run on one thread. Must be called on that loop.
   *
   * @return the connect future; its channel is the backend connection
   */
  ChannelFuture connect(Channel client, InetSocketAddress target, ChannelHandler handler) {
    return connector.connect(client, target, handler);
  }

  private ChannelFuture connectSocket(
      Channel client, InetSocketAddress target, ChannelHandler handler) {
    if (target.isUnresolved()) {
      return template.clone(client.eventLoop()).handler(handler).connect(target);
    }
    SocketChannel backend = transport.newSocketChannel(target.getAddress());
    SocketChannelConfig config = backend.config();
    config.setConnectTimeoutMillis(connectTimeoutMillis);
    config.setAllowHalfClosure(true);
    config.setAllocator(PooledByteBufAllocator.DEFAULT);
    config.setWriteBufferWaterMark(waterMark);
    config.setRecvByteBufAllocator(READS);
    transport.shareReadBuffers(backend);
    if (options.socketBufferBytes() > 0) {
      config.setReceiveBufferSize(options.socketBufferBytes());
      config.setSendBufferSize(options.socketBufferBytes());
    }
    backend.pipeline().addLast(BACKEND_HANDLER, handler);
    // On the loop's own thread registration completes before register() returns.
    ChannelFuture registered = client.eventLoop().register(backend);
    if (registered.isDone()) {
      // Closed at once when it fails, as a bootstrap would: a socket left open after a failed
      // connect could still report a hang-up later, and leaks a descriptor.
      return registered.isSuccess()
          ? backend.connect(target).addListener(ChannelFutureListener.CLOSE_ON_FAILURE)
          : registered;
    }
    ChannelPromise connected = backend.newPromise();
    registered.addListener(
        r -> {
          if (r.isSuccess()) {
            backend.connect(target, connected).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
          } else {
            connected.setFailure(r.cause());
          }
        });
    return connected;
  }

  /** How much a client may send before its backend connection is up. */
  int earlyBufferLimit() {
    return waterMark.high();
  }

  int maxConnectionsPerBackend() {
    return options.maxConnectionsPerBackend();
  }

  /** How a backend connection is made; sockets but in tests. */
  interface BackendConnector {
    ChannelFuture connect(Channel client, InetSocketAddress target, ChannelHandler handler);
  }
}
