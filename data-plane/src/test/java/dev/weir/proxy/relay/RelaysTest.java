package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.Transports;
import dev.weir.proxy.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelOutputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.unix.UnixChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Passing a FIN on, on the native transports, where Relays shuts the socket down itself. */
class RelaysTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  static Stream<Named<Transport>> nativeTransports() {
    return Transports.available().stream().filter(t -> !t.getPayload().name().equals("nio"));
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("nativeTransports")
  void aForwardedFinHalfClosesWithoutNettysShutdownPath(Transport transport) throws Exception {
    Recorder seenByTo = new Recorder();
    Sides sides = connectSides(transport, seenByTo);
    EventLoopGroup loop = sides.loop();
    SocketChannel from = sides.from();
    SocketChannel to = sides.to();
    Socket toPeer = sides.toPeer();
    toPeer.setSoTimeout(10_000);

    loop.submit(() -> Relays.forwardFin(from, to)).sync();

    // The peer of `to` sees the FIN, and can still send: `to` is half-closed, not closed.
    assertThat(toPeer.getInputStream().read()).isEqualTo(-1);
    assertThat(((DuplexChannel) to).isOutputShutdown()).isTrue();
    toPeer.getOutputStream().write("still talking".getBytes(US_ASCII));
    await().until(() -> seenByTo.text().equals("still talking"));
    // Netty's own shutdownOutput announces itself with this event (after building an exception
    // to fail writes that were not there); the direct shutdown does not go through it.
    assertThat(seenByTo.events).doesNotContain(ChannelOutputShutdownEvent.INSTANCE);
    assertThat(from.isOpen()).isTrue();

    // The peer's FIN in turn ends `to`, as once both directions are done.
    toPeer.shutdownOutput();
    await().until(() -> !to.isOpen());
    sides.fromPeer().close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("nativeTransports")
  void aFinForAPeerThatResetClosesBothSides(Transport transport) throws Exception {
    Sides sides = connectSides(transport, new Recorder());
    EventLoopGroup loop = sides.loop();
    SocketChannel from = sides.from();
    SocketChannel to = sides.to();
    Socket toPeer = sides.toPeer();
    io.netty.channel.unix.Socket toSocket = (io.netty.channel.unix.Socket) ((UnixChannel) to).fd();

    // All on the loop, so `to` cannot learn of the reset from its own read before the FIN comes.
    loop.submit(
            () -> {
              toPeer.setSoLinger(true, 0);
              toPeer.close(); // RST
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
              while (toSocket.getSoError() == 0) { // the reset has reached `to`'s socket
                if (System.nanoTime() > deadline) {
                  throw new AssertionError("the reset did not arrive in 10 s");
                }
                Thread.onSpinWait();
              }
              Relays.forwardFin(from, to);
              return null;
            })
        .sync();

    // shutdown(2) fails with ENOTCONN; both sides are closed rather than left open.
    await().until(() -> !from.isOpen() && !to.isOpen());
  }

  /** Two channels on one event loop, each connected to a plain socket peer. */
  private record Sides(
      EventLoopGroup loop, SocketChannel from, Socket fromPeer, SocketChannel to, Socket toPeer) {}

  private Sides connectSides(Transport transport, Recorder seenByTo) throws Exception {
    EventLoopGroup loop = transport.newEventLoopGroup(1, "relays-test");
    resources.add(() -> loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync());
    ServerSocket peers = resources.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    SocketChannel from = connect(transport, loop, peers, new Recorder());
    Socket fromPeer = resources.add(peers.accept());
    SocketChannel to = connect(transport, loop, peers, seenByTo);
    Socket toPeer = resources.add(peers.accept());
    return new Sides(loop, from, fromPeer, to, toPeer);
  }

  private SocketChannel connect(
      Transport transport, EventLoopGroup loop, ServerSocket server, Recorder recorder)
      throws Exception {
    SocketChannel ch = transport.newSocketChannel(InetAddress.getLoopbackAddress());
    ch.config().setAllowHalfClosure(true);
    ch.pipeline().addLast(recorder);
    loop.register(ch).sync();
    resources.add(() -> ch.close().sync());
    ch.connect(server.getLocalSocketAddress()).sync();
    return ch;
  }

  /** What one channel received: its bytes and its user events. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    final Queue<Object> events = new ConcurrentLinkedQueue<>();
    private final StringBuffer received = new StringBuffer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      received.append(bytes.toString(US_ASCII));
      bytes.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      events.add(evt);
    }

    String text() {
      return received.toString();
    }
  }
}
