package dev.weir.proxy.listen;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.proxy.control.ReconnectBackoff;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the next attempt at binding the listeners that failed, after a backoff that grows while they
 * keep failing and starts over with each new config (which was itself an attempt).
 */
final class BindRetry implements AutoCloseable {

  private final ScheduledExecutorService scheduler;
  private final ReconnectBackoff backoff;
  private final Runnable attempt;

  @GuardedBy("this")
  private ScheduledFuture<?> pending;

  @GuardedBy("this")
  private boolean closed;

  /**
   * @param scheduler runs {@code attempt}; not an event loop, since binding waits on them; null to
   *     never retry (then {@code backoff} may be null too)
   */
  BindRetry(ScheduledExecutorService scheduler, ReconnectBackoff backoff, Runnable attempt) {
    this.scheduler = scheduler;
    this.backoff = backoff;
    this.attempt = attempt;
  }

  /** Some binds failed: try them again later. {@code newConfig}: they were a new config's. */
  synchronized void failed(boolean newConfig) {
    if (scheduler == null || closed) {
      return;
    }
    if (newConfig) {
      backoff.reset();
    }
    cancelPending();
    try {
      pending = scheduler.schedule(attempt, backoff.nextDelay().toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      pending = null;
    }
  }

  /** Nothing is left to bind. */
  synchronized void succeeded() {
    cancelPending();
    if (backoff != null) {
      backoff.reset();
    }
  }

  @GuardedBy("this")
  private void cancelPending() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    cancelPending();
  }
}
