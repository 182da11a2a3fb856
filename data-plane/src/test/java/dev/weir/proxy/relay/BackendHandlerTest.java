package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackendHandlerTest {

  // Each queued write also counts a fixed overhead of about a hundred bytes.
  private static final WriteBufferWaterMark SMALL = new WriteBufferWaterMark(512, 1024);
  private static final String MORE_THAN_THE_HIGH_MARK = "x".repeat(2048);

  private static final String FULL_SOCKET = "full-socket";

  private final BackendCounters counters = new BackendCounters("web", "10.0.0.1:80");
  private EmbeddedChannel client;
  private EmbeddedChannel backend;

  @BeforeEach
  void connect() {
    client = new EmbeddedChannel();
    // What the listener and FrontendHandler do around a successful connect: a lease that gives
    // everything back when the client closes, a slot on it, then the connect counted.
    ConnectionLease lease = Leases.admit(new ListenerCounters("web", "127.0.0.1:80"));
    lease.releaseOnClose(client);
    lease.takeSlot(counters, 0);
    counters.connected(1_000);
    backend = new EmbeddedChannel(new BackendHandler(client, counters, null, lease, null));
  }

  @AfterEach
  void closeBoth() {
    backend.finishAndReleaseAll();
    client.finishAndReleaseAll();
  }

  @Test
  void relaysWhatTheBackendSendsToTheClientAndCountsIt() {
    backend.writeInbound(ascii("hello "), ascii("world"));

    assertThat(Embedded.drainOutbound(client)).isEqualTo("hello world");
    assertThat(counters.snapshot().getBytesToClient()).isEqualTo(11);
    assertThat(counters.snapshot().getBytesToBackend()).isZero();
  }

  @Test
  void keepsReadingTheBackendWhileTheClientKeepsUp() {
    client.config().setWriteBufferWaterMark(SMALL);

    backend.pipeline().fireChannelRead(ascii("tiny"));

    assertThat(client.isWritable()).isTrue();
    assertThat(backend.config().isAutoRead()).isTrue();
  }

  @Test
  void handsABackedUpClientToTheKernelAtOnceInsteadOfPausing() {
    client.config().setWriteBufferWaterMark(SMALL);

    // One read, not yet followed by read-complete, past the client's high mark: flushed at once,
    // and since the socket took it all, the backend keeps being read.
    backend.pipeline().fireChannelRead(ascii(MORE_THAN_THE_HIGH_MARK));

    assertThat(Embedded.drainOutbound(client)).isEqualTo(MORE_THAN_THE_HIGH_MARK);
    assertThat(client.isWritable()).isTrue();
    assertThat(backend.config().isAutoRead()).isTrue();
  }

  @Test
  void stopsReadingTheBackendWhenTheClientCannotTakeMore() {
    client.config().setWriteBufferWaterMark(SMALL);
    client.pipeline().addFirst(FULL_SOCKET, new FullSocket());

    backend.pipeline().fireChannelRead(ascii(MORE_THAN_THE_HIGH_MARK));

    assertThat(client.isWritable()).isFalse();
    assertThat(backend.config().isAutoRead()).isFalse();
    client.pipeline().remove(FULL_SOCKET);
    backend.pipeline().fireChannelReadComplete();
    assertThat(Embedded.drainOutbound(client)).isEqualTo(MORE_THAN_THE_HIGH_MARK);
  }

  @Test
  void resumesReadingTheClientOnceTheBackendHasDrained() {
    // The client side stopped reading because writes to the backend piled up.
    client.config().setAutoRead(false);
    backend.config().setWriteBufferWaterMark(SMALL);
    backend.write(ascii(MORE_THAN_THE_HIGH_MARK));
    assertThat(backend.isWritable()).isFalse();

    backend.flush();
    backend.runPendingTasks();

    assertThat(backend.isWritable()).isTrue();
    assertThat(client.config().isAutoRead()).isTrue();
  }

  @Test
  void givesBackTheConnectionSlotWhenTheBackendCloses() {
    BackendStats open = counters.snapshot();
    assertThat(open.getActiveConnections()).isEqualTo(1);
    assertThat(open.getTotalConnections()).isEqualTo(1);
    assertThat(open.getHealth()).isEqualTo(BackendHealth.HEALTHY);

    backend.close();

    BackendStats closed = counters.snapshot();
    assertThat(closed.getActiveConnections()).isZero();
    assertThat(closed.getTotalConnections()).isEqualTo(1);
  }

  @Test
  void backendCloseClosesTheClientAfterFlushingWhatWasPending() {
    backend.pipeline().fireChannelRead(ascii("last words"));
    assertThat(client.outboundMessages()).as("relayed but not yet flushed").isEmpty();

    backend.close();
    client.runPendingTasks();

    assertThat(Embedded.drainOutbound(client)).isEqualTo("last words");
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void backendFinClosesAClientThatCannotHalfCloseAfterFlushing() {
    backend.pipeline().fireChannelRead(ascii("bye"));

    backend.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    client.runPendingTasks();
    backend.runPendingTasks();

    assertThat(Embedded.drainOutbound(client)).isEqualTo("bye");
    assertThat(client.isOpen()).isFalse();
    assertThat(backend.isOpen()).isFalse();
  }

  @Test
  void aBackendErrorClosesBothSides() {
    backend.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    client.runPendingTasks();

    assertThat(backend.isOpen()).isFalse();
    assertThat(client.isOpen()).isFalse();
    assertThat(counters.active()).isZero();
  }

  @Test
  void bytesForAClientThatAlreadyLeftAreReleased() {
    client.close();
    ByteBuf late = ascii("too late");

    backend.pipeline().fireChannelRead(late);

    assertThat(late.refCnt()).isZero();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, US_ASCII);
  }

  /** Stands for a socket whose send buffer is full: flushes go nowhere, writes stay queued. */
  private static final class FullSocket extends ChannelOutboundHandlerAdapter {
    @Override
    public void flush(ChannelHandlerContext ctx) {}
  }
}
