package dev.weir.proxy.transport;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
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
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringBufferRingConfig;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringFixedBufferRingAllocator;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoHandlerConfig;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.channels.spi.SelectorProvider;
import java.util.function.Function;

/**
 * How the proxy does its socket I/O: io_uring on Linux where the kernel allows it, else native
 * epoll, else NIO; {@code --transport} picks one.
 *
 * <p>Sockets are made in the family of the address they serve: an IPv4 listener or backend gets an
 * AF_INET socket rather than Netty's default dual-stack AF_INET6 one, which costs a
 * setsockopt(IPV6_V6ONLY) per backend connection and the kernel's mapped-address path for every
 * packet. A listener on {@code 0.0.0.0} therefore accepts IPv4 only; {@code [::]} accepts both.
 *
 * @param reusePortOption set on listening sockets so several can share a port (SO_REUSEPORT) and
 *     each event loop accepts on its own; null where the transport has none
 * @param readBufferGroup the buffer ring relayed sockets read into (io_uring), or -1 for none: see
 *     {@link #readBufferRing()}
 */
public record Transport(
    String name,
    IoHandlerFactory ioHandlerFactory,
    Class<? extends ServerChannel> serverChannelClass,
    Class<? extends SocketChannel> channelClass,
    ChannelOption<Boolean> reusePortOption,
    Function<SocketProtocolFamily, ServerChannel> serverChannels,
    Function<SocketProtocolFamily, SocketChannel> socketChannels,
    short readBufferGroup) {

  private static final String RECV_MULTISHOT_PROPERTY = "io.netty.iouring.recvMultiShotEnabled";

  /** Each io_uring event loop's ring of read buffers: see {@link #readBufferRing()}. */
  static final short READ_BUFFER_GROUP = 0;

  /** As large as the largest read a relayed socket makes on the other transports. */
  static final int READ_BUFFER_BYTES = RelayReads.MAX_READ_BYTES;

  static {
    // One receive at a time on io_uring, not Netty's default multishot receive: a relay that
    // pauses reading (its other side is backed up) must stop after the read in hand, but a
    // multishot receive goes on filling buffers until the kernel sees its cancellation, up to a
    // socket buffer's worth (megabytes) per pause. Netty reads this property once, when its
    // io_uring classes load, and they load after this class in the proxy; should anything load
    // them first, ioUring() does without the ring of read buffers rather than read multishot.
    if (System.getProperty(RECV_MULTISHOT_PROPERTY) == null) {
      System.setProperty(RECV_MULTISHOT_PROPERTY, "false");
    }
  }

  /**
   * The transport {@code --transport auto} picks: io_uring where the kernel allows it, else epoll,
   * else NIO. io_uring relays more requests per CPU than epoll, with or without keep-alive
   * (bench/README.md has the figures); many container runtimes and some distributions switch
   * io_uring off, and then epoll is used.
   */
  public static Transport best() {
    if (IoUring.isAvailable()) {
      return ioUring();
    }
    return Epoll.isAvailable() ? epoll() : nio();
  }

  /** Connections each listening socket lets wait to be accepted (SO_BACKLOG). */
  public static final int ACCEPT_BACKLOG = 4096;

  /**
   * Below this open-file limit {@code auto} does not pick io_uring. io_uring accepts what waits in
   * a listening socket's backlog ({@link #ACCEPT_BACKLOG}) in a burst, a descriptor each, before
   * the proxy can reset those over {@code --max-connections}, and closes them asynchronously; under
   * a flood at {@code ulimit -n 512} that ran the proxy out of descriptors, where epoll accepts and
   * resets one at a time. The default {@code --max-connections} keeps room for one such burst on
   * io_uring ({@link #acceptsInBursts()}), which a limit below four bursts cannot spare without
   * giving up most of its connections.
   */
  public static final long IO_URING_MIN_OPEN_FILES = 4L * ACCEPT_BACKLOG;

  /** As {@link #best()}, but epoll rather than io_uring below {@link #IO_URING_MIN_OPEN_FILES}. */
  public static Transport best(long maxFileDescriptors) {
    if (maxFileDescriptors >= 0
        && maxFileDescriptors < IO_URING_MIN_OPEN_FILES
        && Epoll.isAvailable()) {
      return epoll();
    }
    return best();
  }

  /**
   * As {@link #named(String)}, where {@code auto} also weighs the open-file limit ({@link
   * #best(long)}).
   */
  public static Transport named(String name, long maxFileDescriptors) {
    return name.equals("auto") ? best(maxFileDescriptors) : named(name);
  }

  /**
   * The transport named by {@code --transport}: auto, epoll, io_uring or nio.
   *
   * @throws IllegalArgumentException naming the allowed values, or why the native one the name asks
   *     for cannot load here
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
        "epoll",
        EpollIoHandler.newFactory(),
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        EpollChannelOption.SO_REUSEPORT,
        EpollServerSocketChannel::new,
        EpollSocketChannel::new,
        (short) -1);
  }

  /**
   * Linux's io_uring: reads, writes, accepts and connects are submitted to a ring and reaped in
   * batches instead of one system call each. Its sockets are dual-stack (Netty makes them with no
   * family), so IPv4 traffic takes the mapped-address path. Where the kernel can consume provided
   * buffers incrementally (6.12 and later), relayed sockets read from a shared ring of buffers: see
   * {@link #readBufferRing()}.
   */
  public static Transport ioUring() {
    boolean ring = IoUring.isRegisterBufferRingIncSupported() && !IoUring.isRecvMultishotEnabled();
    IoHandlerFactory handlers =
        ring
            ? IoUringIoHandler.newFactory(
                new IoUringIoHandlerConfig().setBufferRingConfig(readBufferRing()))
            : IoUringIoHandler.newFactory();
    return new Transport(
        "io_uring",
        handlers,
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringChannelOption.SO_REUSEPORT,
        family -> new IoUringServerSocketChannel(),
        family -> new IoUringSocketChannel(),
        ring ? READ_BUFFER_GROUP : -1);
  }

  /**
   * The ring of read buffers each io_uring event loop registers with the kernel. A relayed socket's
   * receive takes a buffer from it only once data has arrived, and the kernel fills the ring's
   * current buffer from wherever the last read left off ("incremental consumption"), so no buffer
   * is allocated per read nor set aside per socket while it waits, as an idle connection's would
   * be. Each read arrives as a slice of a 256 KiB buffer, the most one read takes on the other
   * transports, so bulk streams keep their large reads.
   *
   * <p>Buffers leave the ring once filled and are replaced from the pooled allocator; a filled
   * buffer is freed when the last slice of it is. Four are registered at first, up to 16 when the
   * kernel runs out (1 to 4 MiB per event loop). A slice held for long would keep its whole buffer
   * alive, so the relay copies small slices it has to queue ({@code Relays.holdable}).
   */
  static IoUringBufferRingConfig readBufferRing() {
    return IoUringBufferRingConfig.builder()
        .bufferGroupId(READ_BUFFER_GROUP)
        .bufferRingSize((short) 16)
        .batchSize(4)
        .incremental(true)
        .allocator(
            new IoUringFixedBufferRingAllocator(PooledByteBufAllocator.DEFAULT, READ_BUFFER_BYTES))
        .build();
  }

  /**
   * Has {@code channel} read from its event loop's ring of read buffers, where the transport has
   * one. Must be called before the channel is registered.
   */
  public void shareReadBuffers(Channel channel) {
    if (readBufferGroup >= 0) {
      channel.config().setOption(IoUringChannelOption.IO_URING_BUFFER_GROUP_ID, readBufferGroup);
    }
  }

  /** The name, and whether reads use a shared ring of buffers, for the proxy's start-up line. */
  public String description() {
    return sharesReadBuffers() ? name + " (reads into a shared buffer ring)" : name;
  }

  /** Whether relayed sockets read from a ring of buffers their event loop shares. */
  public boolean sharesReadBuffers() {
    return readBufferGroup >= 0;
  }

  /**
   * Whether accepting may take a listening socket's whole backlog at once (io_uring), so the
   * descriptors of a burst must fit beside those of the connections already held.
   */
  public boolean acceptsInBursts() {
    return name.equals("io_uring");
  }

  /** Whether several listening sockets can share a port (SO_REUSEPORT). */
  public boolean reusePort() {
    return reusePortOption != null;
  }

  public static Transport nio() {
    SelectorProvider provider = SelectorProvider.provider();
    return new Transport(
        "nio",
        NioIoHandler.newFactory(),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        null,
        family -> new NioServerSocketChannel(provider, family),
        family -> new NioSocketChannel(provider, family),
        (short) -1);
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
