package dev.weir.proxy.relay;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Ends a relayed connection that moved no bytes either way for its pool's idle timeout.
 *
 * <p>Every byte relayed is read from one side or the other, so watching reads on both channels is
 * enough: each handler calls {@link #touch} once per read batch, and one timer per connection on
 * the client's event loop checks. Netty's {@code IdleStateHandler} would also watch writes, which
 * costs a promise and a listener for every chunk written.
 *
 * <p>Confined to the client's event loop, which both halves of the connection share. Time is that
 * loop's ticker, the one its timers run on, so a test can move it on.
 */
final class IdleTimeout implements Runnable {

  private final Channel client;
  private final long timeoutNanos;
  private final Runnable onIdle;
  private final Ticker ticker;
  private long lastRead;
  private ScheduledFuture<?> timer;

  IdleTimeout(Channel client, long timeoutNanos, Runnable onIdle) {
    this.client = client;
    this.timeoutNanos = timeoutNanos;
    this.onIdle = onIdle;
    this.ticker = client.eventLoop().ticker();
  }

  void start() {
    lastRead = ticker.nanoTime();
    timer = client.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Something was read from either side. */
  void touch() {
    lastRead = ticker.nanoTime();
  }

  void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void run() {
    if (timer == null || !client.isOpen()) {
      return;
    }
    long quiet = ticker.nanoTime() - lastRead;
    if (quiet >= timeoutNanos) {
      timer = null;
      onIdle.run();
    } else {
      timer = client.eventLoop().schedule(this, timeoutNanos - quiet, TimeUnit.NANOSECONDS);
    }
  }
}
