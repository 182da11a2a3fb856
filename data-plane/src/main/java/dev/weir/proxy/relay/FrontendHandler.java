package dev.weir.proxy.relay;

import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of one relayed connection: picks a backend, connects to it on this channel's
 * event loop (so both sides run on one thread and need no locks), then relays client to backend.
 *
 * <p>A failed connect is retried on another backend, so a dead backend costs the client a little
 * latency rather than its connection while others live.
 */
public final class FrontendHandler extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(FrontendHandler.class);

  private final Picker picker;
  private final RelaySettings settings;
  private Upstream upstream;
  private Channel backend;
  private boolean relaying;
  private int attempts;
  private Upstream[] tried;
  // Rare: epoll may deliver bytes and FIN that arrived before the backend connection is up.
  private ArrayDeque<Object> early;
  private boolean clientFinishedEarly;

  /** @param picker the pool's picker when the connection was accepted */
  public FrontendHandler(Picker picker, RelaySettings settings) {
    this.picker = picker;
    this.settings = settings;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Upstream first = picker.pick();
    if (first == null) {
      log.debug("no backend takes new connections; closing {}", ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    connect(ctx.channel(), first);
  }

  private void connect(Channel client, Upstream target) {
    upstream = target;
    attempts++;
    ChannelFuture connecting =
        settings
            .bootstrapFor(client)
            .handler(new BackendHandler(client, target.counters()))
            .connect(target.config().socketAddress());
    backend = connecting.channel();
    connecting.addListener(
        future -> {
          if (future.isSuccess()) {
            startRelaying(client);
            return;
          }
          if (!client.isActive()) {
            return; // The client left and channelInactive closed this attempt; not the backend's fault.
          }
          target.counters().connectFailed();
          log.debug("connect to {} failed: {}", target.config().address(), future.cause().toString());
          Upstream next = nextUntried(target);
          if (next != null) {
            connect(client, next);
          } else {
            log.debug("no backend reachable after {} attempts; closing client", attempts);
            client.close();
          }
        });
  }

  private void startRelaying(Channel client) {
    if (!client.isActive()) {
      backend.close();
      return;
    }
    relaying = true;
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
    client.config().setAutoRead(true);
    backend.config().setAutoRead(true);
  }

  /** Another backend to try after {@code failed}, or null when attempts are used up. */
  private Upstream nextUntried(Upstream failed) {
    List<Upstream> candidates = picker.candidates();
    int limit = Math.min(settings.maxConnectAttempts(), candidates.size());
    if (tried == null) {
      tried = new Upstream[limit];
    }
    tried[attempts - 1] = failed;
    if (attempts >= limit) {
      return null;
    }
    // Prefer the picker's choice so retries still follow the weights; fall back to a scan since
    // a heavily weighted dead backend could keep coming up.
    for (int i = 0; i < candidates.size(); i++) {
      Upstream u = picker.pick();
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
    for (int i = 0; i < attempts; i++) {
      if (tried[i] == u) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!relaying) {
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(msg);
      return;
    }
    forward(ctx.channel(), msg);
  }

  private void forward(Channel client, Object msg) {
    if (msg instanceof ByteBuf buf) {
      upstream.counters().toBackend(buf.readableBytes());
    }
    backend.write(msg, backend.voidPromise());
    if (!backend.isWritable()) {
      client.config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
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

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
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
    } else {
      log.warn("client {} relay error", ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
