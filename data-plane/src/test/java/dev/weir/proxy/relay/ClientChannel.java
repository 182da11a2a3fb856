package dev.weir.proxy.relay;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A client connection in memory, with socket addresses as an accepted one has (the relay reads
 * them), on an event loop whose clock moves only when the test moves it.
 */
final class ClientChannel extends EmbeddedChannel {

  static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.10", 40000);
  static final InetSocketAddress LOCAL = new InetSocketAddress("127.0.0.1", 8080);

  private final MockTicker ticker;

  private ClientChannel(Builder builder, MockTicker ticker) {
    super(builder);
    this.ticker = ticker;
  }

  static ClientChannel with(ChannelHandler... handlers) {
    MockTicker ticker = Ticker.newMockTicker();
    return new ClientChannel(EmbeddedChannel.builder().ticker(ticker).handlers(handlers), ticker);
  }

  /** Moves this channel's clock on and runs the timers that came due. */
  void advanceMillis(long millis) {
    ticker.advanceMillis(millis);
    runScheduledPendingTasks();
    runPendingTasks();
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return PEER;
  }

  @Override
  protected SocketAddress localAddress0() {
    return LOCAL;
  }
}
