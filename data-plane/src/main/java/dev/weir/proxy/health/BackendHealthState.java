package dev.weir.proxy.health;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.stats.BackendCounters;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What its pool's health tracking knows of one backend. Fields are guarded by the pool's lock,
 * except the failure streaks, which the relay bumps on every event loop without a lock, and the
 * reported health, which the stats reporter reads.
 */
final class BackendHealthState implements BackendCounters.HealthTracker {

  private final PoolHealth pool;
  final BackendCounters counters;
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  // Apart from connect failures: a stopped backend's connects succeed (the kernel accepts for
  // it), which must not wipe out its streak of unanswered connections.
  private final AtomicInteger consecutiveUnanswered = new AtomicInteger();

  // Guarded by the pool's lock. Not @GuardedBy("pool"): PoolHealth holds it as its own 'this',
  // and Error Prone cannot see that the two are one lock.
  BackendConfig config;

  /** The active checks' verdict, or null when the pool has no checks. */
  RiseFall checks;

  ProbeLoop probes;
  boolean ejected;
  int ejections;
  long returnedNanos;
  ScheduledFuture<?> ejectionEnd;
  long eligibleSinceNanos = SlowStart.NOT_RAMPING;

  // What the stats report says; null health means the last connect's outcome.
  private volatile BackendHealth reported;
  private volatile long ejectedUntilMillis;

  BackendHealthState(PoolHealth pool, BackendCounters counters, BackendConfig config) {
    this.pool = pool;
    this.counters = counters;
    this.config = config;
  }

  /** Whether it takes new connections (unless the whole pool fails open). */
  boolean eligible() {
    return !config.draining()
        && !ejected
        && (checks == null || checks.verdict() != BackendHealth.UNHEALTHY);
  }

  /** Called on an event loop for every connect that succeeded: one volatile read, usually. */
  @Override
  public void connected() {
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  /** Called on an event loop for every connect that failed; takes a lock only at the threshold. */
  @Override
  public void connectFailed() {
    int threshold = pool.failureThreshold();
    if (threshold > 0 && consecutiveFailures.incrementAndGet() >= threshold) {
      pool.tooManyFailures(this, PoolHealth.CONNECT_FAILURES);
    }
  }

  @Override
  public void responded() {
    if (consecutiveUnanswered.get() != 0) {
      consecutiveUnanswered.set(0);
    }
  }

  /** Called on an event loop for every unanswered connection; locks only at the threshold. */
  @Override
  public void unanswered() {
    int threshold = pool.failureThreshold();
    if (threshold > 0 && consecutiveUnanswered.incrementAndGet() >= threshold) {
      pool.tooManyFailures(this, PoolHealth.UNANSWERED);
    }
  }

  void resetFailures() {
    consecutiveFailures.set(0);
    consecutiveUnanswered.set(0);
  }

  /** Makes the stats report follow the state. Called under the pool's lock after a change. */
  void publish() {
    reported = ejected ? BackendHealth.EJECTED : checks != null ? checks.verdict() : null;
  }

  /** When the current ejection ends, as wall-clock time to report. Set before publishing. */
  void ejectedUntil(long epochMillis) {
    ejectedUntilMillis = epochMillis;
  }

  @Override
  public void report(BackendStats.Builder stats) {
    BackendHealth health = reported;
    if (health == null) {
      return;
    }
    stats.setHealth(health);
    if (health == BackendHealth.EJECTED) {
      long until = ejectedUntilMillis;
      stats.setEjectedUntil(
          Timestamp.newBuilder()
              .setSeconds(Math.floorDiv(until, 1000))
              .setNanos((int) Math.floorMod(until, 1000) * 1_000_000));
    }
  }
}
