package dev.weir.proxy.testing;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.weir.proxy.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A backend on 127.0.0.1 for thousands of connections at once, on one event loop: in echo mode it
 * greets each connection with "{name}\n" and echoes; in flood mode it writes to each connection for
 * as long as the connection is writable, so it sends exactly as fast as the proxy takes it. Its
 * buffers are unpooled, so they never show in the proxy's pooled allocator.
 */
public final class ManyConnectionsBackend implements AutoCloseable {

  private static final int CHUNK = 64 * 1024;

  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  // Shared, read-only: every flood write is a view of it, so flooding costs this backend nothing.
  private final ByteBuf chunk =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(CHUNK).writeZero(CHUNK).asReadOnly());

  private ManyConnectionsBackend(String name, boolean flood) throws InterruptedException {
    Transport transport = Transport.nio();
    group = transport.newEventLoopGroup(1, "test-backend-" + name);
    server =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.ALLOCATOR, UnpooledByteBufAllocator.DEFAULT)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    open.add(ch);
                    ch.pipeline().addLast(flood ? new Flood() : new Echo(name));
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  public static ManyConnectionsBackend echo(String name) throws InterruptedException {
    return new ManyConnectionsBackend(name, false);
  }

  public static ManyConnectionsBackend flood(String name) throws InterruptedException {
    return new ManyConnectionsBackend(name, true);
  }

  public String address() {
    return "127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
  }

  public int openConnections() {
    return open.size();
  }

  /** Open connections whose writes are backed up: the far side stopped taking them. */
  public long stalledConnections() {
    return open.stream().filter(ch -> !ch.isWritable()).count();
  }

  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    open.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
  }

  private static final class Echo extends ChannelInboundHandlerAdapter {
    private final String name;

    Echo(String name) {
      this.name = name;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Unpooled.copiedBuffer(name + "\n", US_ASCII));
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.writeAndFlush(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private final class Flood extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      fill(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      fill(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      io.netty.util.ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }

    private void fill(ChannelHandlerContext ctx) {
      while (ctx.channel().isActive() && ctx.channel().isWritable()) {
        ctx.write(chunk.duplicate());
        ctx.flush();
      }
    }
  }
}
