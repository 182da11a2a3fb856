package dev.weir.proxy.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage of a connection to a TLS routing listener for PostgreSQL: before its TLS
 * handshake a PostgreSQL client sends an SSLRequest (8 bytes) and waits for the server's "S". This
 * stage answers it, marks the connection so that its relay replays the request to the backend it
 * picks ({@link PostgresSslReplay}), and leaves the pipeline to the ClientHello reader behind it. A
 * GSSENCRequest is declined ("N"), after which libpq asks for TLS; a client that opens with TLS at
 * once (PostgreSQL 17's sslnegotiation=direct) passes straight on. Anything else (a plaintext
 * StartupMessage, a CancelRequest) carries no server name to route by and is closed and counted as
 * {@code sni_rejected}.
 *
 * <p>The ClientHello reader's deadline, which runs from accept, bounds this stage too.
 */
public final class PostgresSslRequestHandler extends ChannelInboundHandlerAdapter {
  /** The name it is added under: fixed, so Netty need not make one up per connection. */
  public static final String NAME = "weir-postgres-ssl-request";

  /** Set on a client that asked for TLS with an SSLRequest, so its relay asks the backend. */
  static final AttributeKey<Boolean> SSL_REQUESTED =
      AttributeKey.valueOf(PostgresSslRequestHandler.class, "sslRequested");

  /** Length 8, then the code 1234 5679: PostgreSQL's SSLRequest, in full. */
  static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};

  private static final int GSSENC_REQUEST_CODE = 80877104;
  private static final int SSL_REQUEST_CODE = 80877103;
  private static final byte TLS_HANDSHAKE = 0x16;
  private static final Logger log = LoggerFactory.getLogger(PostgresSslRequestHandler.class);

  private final ConnectionLease lease;
  // The 8 bytes of a request, as they come in.
  private final byte[] request = new byte[8];
  private int have;

  public PostgresSslRequestHandler(ConnectionLease lease) {
    this.lease = lease;
  }

  /** Whether {@code client} asked for TLS with an SSLRequest this proxy answered. */
  public static boolean sslRequested(Channel client) {
    return client.hasAttr(SSL_REQUESTED);
  }

  @Override
  public boolean isSharable() {
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (have == 0 && in.isReadable() && in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
      ctx.pipeline().remove(this); // direct TLS: the ClientHello reader takes it from here
      ctx.fireChannelRead(in);
      return;
    }
    while (in.isReadable()) {
      int n = Math.min(request.length - have, in.readableBytes());
      in.readBytes(request, have, n);
      have += n;
      if (have < request.length) {
        break;
      }
      if (!answer(ctx)) {
        in.release();
        return;
      }
      if (ctx.isRemoved()) {
        break;
      }
    }
    if (ctx.isRemoved() && in.isReadable()) {
      ctx.fireChannelRead(in); // the ClientHello, sent without waiting for the "S"
    } else {
      in.release();
    }
  }

  /** Answers the complete request in {@link #request}; false if the connection was closed. */
  private boolean answer(ChannelHandlerContext ctx) {
    int length = readInt(0);
    int code = readInt(4);
    have = 0;
    if (length == 8 && code == SSL_REQUEST_CODE) {
      ctx.channel().attr(SSL_REQUESTED).set(Boolean.TRUE);
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'S'}), ctx.voidPromise());
      ctx.pipeline().remove(this);
      return true;
    }
    if (length == 8 && code == GSSENC_REQUEST_CODE) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'N'}), ctx.voidPromise());
      return true;
    }
    lease.listener().sniRejected();
    if (log.isDebugEnabled()) {
      log.debug(
          "closing {}: it sent no SSLRequest (length {}, code {}); only TLS can be routed",
          ctx.channel().remoteAddress(),
          length,
          code);
    }
    ctx.close();
    return false;
  }

  private int readInt(int at) {
    return (request[at] & 0xff) << 24
        | (request[at + 1] & 0xff) << 16
        | (request[at + 2] & 0xff) << 8
        | request[at + 3] & 0xff;
  }
}
