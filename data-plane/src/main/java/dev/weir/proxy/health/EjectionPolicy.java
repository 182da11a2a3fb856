package dev.weir.proxy.health;

import dev.weir.proxy.config.PoolOptions.OutlierOptions;
import java.util.Collection;

/**
 * How long ejections last and how many backends may be out at once, from a pool's outlier settings.
 *
 * <p>The n-th ejection of a backend lasts n times the base, capped at the maximum. The count is
 * forgotten once the backend has stayed in for the maximum ejection time since its last ejection
 * ended, so a backend that failed once long ago starts over at the base time. Called under the
 * pool's lock.
 */
final class EjectionPolicy {

  private final long baseNanos;
  private final long maxNanos;
  private final int maxPercent;

  EjectionPolicy(OutlierOptions options) {
    this.baseNanos = options.baseEjection().toNanos();
    this.maxNanos = Math.max(baseNanos, options.maxEjection().toNanos());
    this.maxPercent = options.maxEjectionPercent();
  }

  /**
   * Whether {@code candidate} may be ejected now: the pool stays within its limit and some other
   * backend stays eligible.
   */
  boolean allows(BackendHealthState candidate, Collection<BackendHealthState> pool) {
    int inService = 0;
    int ejected = 0;
    boolean otherEligible = false;
    for (BackendHealthState b : pool) {
      if (b.config.draining()) {
        continue;
      }
      inService++;
      if (b.ejected) {
        ejected++;
      }
      otherEligible |= b != candidate && b.eligible();
    }
    return otherEligible && ejected < maxEjected(inService);
  }

  /** Counts a new ejection of {@code backend}, forgiving old ones. @return how long it lasts */
  long count(BackendHealthState backend, long nowNanos) {
    if (backend.ejections > 0 && forgiven(backend.returnedNanos, nowNanos)) {
      backend.ejections = 0;
    }
    backend.ejections++;
    return durationNanos(backend.ejections);
  }

  /** How long the {@code n}-th ejection (from 1) lasts. */
  long durationNanos(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("ejections count from 1, got " + n);
    }
    return baseNanos > maxNanos / n ? maxNanos : baseNanos * n;
  }

  /**
   * How many of {@code backends} may be ejected at once: the configured percent rounded down, and
   * never all of them.
   */
  int maxEjected(int backends) {
    return Math.max(0, Math.min(backends * maxPercent / 100, backends - 1));
  }

  /** Whether a backend back since {@code returnedNanos} has earned a fresh start. */
  boolean forgiven(long returnedNanos, long nowNanos) {
    return nowNanos - returnedNanos >= maxNanos;
  }
}
