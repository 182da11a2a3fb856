package dev.weir.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * Native epoll on Linux, NIO elsewhere.
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
    boolean reusePort,
    Function<SocketProtocolFamily, ServerChannel> serverChannels,
    Function<SocketProtocolFamily, SocketChannel> socketChannels) {

  public static Transport best() {
    if (Epoll.isAvailable()) {
      return new Transport(
          "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
          EpollSocketChannel.class, true, EpollServerSocketChannel::new, EpollSocketChannel::new);
    }
    return nio();
  }

  public static Transport nio() {
    SelectorProvider provider = SelectorProvider.provider();
    return new Transport(
        "nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
        false,
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
