package dev.weir.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransportTest {

  // Transport's initializer must run before Netty's io_uring classes load (see Transport), as
  // it does in the proxy: this class calls IoUring itself, so it has Transport loaded first.
  private static final Transport NIO = Transport.nio();

  // RelaySettings and Listener rely on this instead of setting TCP_NODELAY themselves.
  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void socketsItMakesHaveNagleOff(Transport transport) throws Exception {
    SocketChannel channel = transport.newSocketChannel(InetAddress.getByName("127.0.0.1"));
    try {
      assertThat(channel.config().isTcpNoDelay()).isTrue();
    } finally {
      channel.unsafe().closeForcibly();
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void anIpv4ListenerAcceptsWithNagleOff(Transport transport) throws Exception {
    EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
    try {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      ServerChannel server = transport.newServerChannel(loopback);
      SocketChannel[] accepted = new SocketChannel[1];
      CountDownLatch latch = new CountDownLatch(1);
      server
          .pipeline()
          .addLast(
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  accepted[0] = (SocketChannel) msg;
                  latch.countDown();
                }
              });
      group.register(server).sync();
      server.bind(new InetSocketAddress(loopback, 0)).sync();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      try (Socket client = new Socket(loopback, port)) {
        assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(accepted[0].config().isTcpNoDelay()).isTrue();
        assertThat(accepted[0].remoteAddress().getAddress()).isEqualTo(loopback);
        accepted[0].unsafe().closeForcibly();
      } finally {
        server.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  /** Only io_uring has a ring of read buffers; where it does, reads come out of it. */
  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void relayedSocketsReadFromTheSharedRingOnlyOnIoUring(Transport transport) throws Exception {
    boolean expected =
        transport.name().equals("io_uring") && IoUring.isRegisterBufferRingIncSupported();
    assertThat(transport.sharesReadBuffers()).isEqualTo(expected);
    if (expected) {
      assertThat(IoUring.isRecvMultishotEnabled()).as("one receive at a time").isFalse();
    }

    EventLoopGroup group = transport.newEventLoopGroup(1, "transport-test");
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      SocketChannel channel = transport.newSocketChannel(loopback);
      transport.shareReadBuffers(channel);
      BlockingQueue<Integer> wholeCapacities = new LinkedBlockingQueue<>();
      channel
          .pipeline()
          .addLast(
              new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  ByteBuf read = (ByteBuf) msg;
                  // A read from the ring is a slice of one of its buffers; others are buffers of
                  // their own.
                  wholeCapacities.add(read.unwrap() == null ? -1 : read.unwrap().capacity());
                  read.release();
                }
              });
      group.register(channel).sync();
      channel.connect(server.getLocalSocketAddress()).sync();
      try (Socket peer = server.accept()) {
        peer.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        Integer capacity = wholeCapacities.poll(10, TimeUnit.SECONDS);
        assertThat(capacity).isNotNull();
        if (expected) {
          assertThat(capacity).isEqualTo(Transport.READ_BUFFER_BYTES);
        } else {
          assertThat(capacity).isEqualTo(-1);
        }
      } finally {
        channel.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  @Test
  void autoTakesIoUringWhereTheKernelAllowsItThenEpollThenNio() {
    String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";

    assertThat(Transport.named("auto").name()).isEqualTo(expected);
    assertThat(Transport.best().name()).isEqualTo(expected);
  }

  @Test
  void autoTakesEpollOverIoUringAtALowOpenFileLimit() {
    String expected = Epoll.isAvailable() ? "epoll" : Transport.best().name();

    assertThat(Transport.named("auto", 512).name()).isEqualTo(expected);
    assertThat(Transport.named("auto", Transport.IO_URING_MIN_OPEN_FILES).name())
        .isEqualTo(Transport.best().name());
    assertThat(Transport.named("auto", -1).name()).isEqualTo(Transport.best().name());
  }

  @Test
  void aNamedTransportIsTakenWhateverTheOpenFileLimit() {
    assertThat(Transport.named("nio", 512).name()).isEqualTo("nio");
  }

  @Test
  void eachTransportCanBeNamedAndAnUnknownNameListsTheAllowedOnes() {
    assertThat(Transport.named("nio").name()).isEqualTo(NIO.name());
    if (Epoll.isAvailable()) {
      assertThat(Transport.named("epoll").name()).isEqualTo("epoll");
    }
    if (IoUring.isAvailable()) {
      assertThat(Transport.named("io_uring").name()).isEqualTo("io_uring");
    }
    assertThatThrownBy(() -> Transport.named("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be one of auto, epoll, io_uring, nio, got 'kqueue'");
  }
}
