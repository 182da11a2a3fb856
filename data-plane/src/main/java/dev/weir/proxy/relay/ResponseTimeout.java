package dev.weir.proxy.relay;

import dev.weir.proxy.stats.BackendCounters;
import io.netty.channel.Channel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells outlier detection whether a backend answers a connection: a timer starts with the first
 * bytes relayed from the client and stops at the first byte from the backend; if it runs out, the
 * connection counts as unanswered, else as answered. A backend that speaks first (a greeting)
 * answered before anything was asked. Knows nothing of the protocol, which is why it is opt-in: a
 * long poll is silent on purpose.
 *
 * <p>The connection is left open either way: the client may still get its answer, and closing it is
 * the client's (or the idle timeout's) call. Each side checks one boolean per read; the timer lives
 * on the client's event loop, which both halves of the connection share.
 */
final class ResponseTimeout implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(ResponseTimeout.class);

  private final Channel client;
  private final long timeoutNanos;
  private final BackendCounters backend;
  // Whether the timer was started, or need never be (the backend spoke, the connection ended).
  private boolean started;
  // Whether the outcome is known: answered, unanswered, or the connection ended first.
  private boolean settled;
  private ScheduledFuture<?> timer;

  ResponseTimeout(Channel client, long timeoutNanos, BackendCounters backend) {
    this.client = client;
    this.timeoutNanos = timeoutNanos;
    this.backend = backend;
  }

  /** Bytes from the client were relayed to the backend. */
  void clientSent() {
    if (started) {
      return;
    }
    started = true;
    timer = client.eventLoop().schedule(this, timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** Bytes from the backend were read. */
  void backendSent() {
    if (settled) {
      return;
    }
    settled = true;
    started = true;
    stopTimer();
    backend.responded();
  }

  /** The connection ended: whatever the backend did so far, it is not judged on it. */
  void cancel() {
    settled = true;
    started = true;
    stopTimer();
  }

  @Override
  public void run() {
    if (settled) {
      return;
    }
    settled = true;
    timer = null;
    log.debug(
        "backend {} sent nothing within {} ms of the client's first bytes",
        backend.address(),
        TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
    backend.unanswered();
  }

  private void stopTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
