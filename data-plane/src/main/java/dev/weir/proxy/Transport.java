package dev.weir.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * How the proxy does its socket I/O: io_uring on Linux where the kernel allows it, else native
 * epoll, else NIO; {@code --transport} picks one.
 *
 * <p>Sockets are made in the family of the address they serve: an IPv4 listener or backend gets
 * an AF_INET socket rather than Netty's default dual-stack AF_INET6 one, which costs a
 * setsockopt(IPV6_V6ONLY) per backend connection and the kernel's mapped-address path for every
 * packet. A listener on {@code 0.0.0.0} therefore accepts IPv4 only; {@code [::]} accepts both.
 *
 * @param reusePort whether several listening sockets can share a port (SO_REUSEPORT), so each
 *     event loop accepts on its own socket and the kernel spreads connections across them
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannelClass,
    Class<? extends SocketChannel> channelClass,
    ChannelOption<Boolean> reusePortOption,
    Function<SocketProtocolFamily, ServerChannel> serverChannels,
    Function<SocketProtocolFamily, SocketChannel> socketChannels) {

  /**
   * The transport {@code --transport auto} picks: io_uring where the kernel allows it, else
   * epoll, else NIO. On the 2-core benchmark VM io_uring took connection-per-request traffic from
   * 0.66 to 0.84 of HAProxy's rate and keep-alive from 0.95 to 1.06 (bench/results, 2026-11-21);
   * many container runtimes and some distributions switch io_uring off, and then epoll is used.
   */
  public static Transport best() {
    if (IoUring.isAvailable()) {
      return ioUring();
    }
    return Epoll.isAvailable() ? epoll() : nio();
  }

  /**
   * The transport named by {@code --transport}: auto, epoll, io_uring or nio.
   *
   * @throws IllegalArgumentException naming the allowed values, or why the native one the name
   *     asks for cannot load here
   */
  public static Transport named(String name) {
    switch (name) {
      case "auto":
        return best();
      case "nio":
        return nio();
      case "epoll":
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "epoll is not available here: " + Epoll.unavailabilityCause());
        }
        return epoll();
      case "io_uring":
        if (!IoUring.isAvailable()) {
          throw new IllegalArgumentException(
              "io_uring is not available here: " + IoUring.unavailabilityCause());
        }
        return ioUring();
      default:
        throw new IllegalArgumentException(
            "must be one of auto, epoll, io_uring, nio, got '" + name + "'");
    }
  }

  public static Transport epoll() {
    return new Transport(
        "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
        EpollSocketChannel.class, EpollChannelOption.SO_REUSEPORT,
        EpollServerSocketChannel::new, EpollSocketChannel::new);
  }

  /**
   * Linux's io_uring: reads, writes, accepts and connects are submitted to a ring and reaped in
   * batches instead of one system call each. Its sockets are dual-stack (Netty makes them with
   * no family), so IPv4 traffic takes the mapped-address path.
   */
  public static Transport ioUring() {
    return new Transport(
        "io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
        IoUringSocketChannel.class, IoUringChannelOption.SO_REUSEPORT,
        family -> new IoUringServerSocketChannel(), family -> new IoUringSocketChannel());
  }

  /** Whether several listening sockets can share a port (SO_REUSEPORT). */
  public boolean reusePort() {
    return reusePortOption != null;
  }

  public static Transport nio() {
    SelectorProvider provider = SelectorProvider.provider();
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
        null,
        family -> new NioServerSocketChannel(provider, family),
        family -> new NioSocketChannel(provider, family));
  }

  /** An unregistered listening channel for binding to {@code address}. */
  public ServerChannel newServerChannel(InetAddress address) {
    return serverChannels.apply(familyOf(address));
  }

  /** An unregistered channel for connecting to {@code target}. */
  public SocketChannel newSocketChannel(InetAddress target) {
    return socketChannels.apply(familyOf(target));
  }

  public EventLoopGroup newEventLoopGroup(int threads, String threadName) {
    return new MultiThreadIoEventLoopGroup(
        threads, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
  }

  private static SocketProtocolFamily familyOf(InetAddress address) {
    return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
  }
}
