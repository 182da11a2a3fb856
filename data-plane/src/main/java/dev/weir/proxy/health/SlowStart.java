package dev.weir.proxy.health;

import java.time.Duration;

/**
 * A pool's slow-start ramp: a backend that has just become eligible gets 10% of its weight, growing
 * linearly to 100% over the window.
 *
 * <p>Weights are integers and most backends have weight 1, which cannot go below 1. So while any
 * backend of a pool ramps, every weight in its picker is scaled by {@link #SCALE}, which lets a
 * weight-1 backend start at 1 against its peers' 10. The scale is skipped when the pool's weights
 * would then add up to more than {@link #MAX_SCALED_TOTAL}, which bounds the weighted round-robin
 * cycle rebuilt at every step; weights that large ramp fine unscaled.
 */
final class SlowStart {

  static final double FLOOR = 0.1;
  static final int SCALE = 10;
  static final long MAX_SCALED_TOTAL = 100_000;

  /** Pickers are rebuilt about ten times per ramp, but never more often than this. */
  static final long MIN_STEP_NANOS = Duration.ofMillis(100).toNanos();

  /** For a backend that is not ramping (it was there from the start, or nothing has changed). */
  static final long NOT_RAMPING = Long.MIN_VALUE;

  private final long windowNanos;

  SlowStart(Duration window) {
    this.windowNanos = window.toNanos();
  }

  boolean enabled() {
    return windowNanos > 0;
  }

  /** Whether a backend eligible since {@code sinceNanos} is still ramping at {@code nowNanos}. */
  boolean ramping(long sinceNanos, long nowNanos) {
    return enabled() && sinceNanos != NOT_RAMPING && nowNanos - sinceNanos < windowNanos;
  }

  /** The share of its weight a backend eligible since {@code sinceNanos} gets now: 0.1 to 1. */
  double fraction(long sinceNanos, long nowNanos) {
    if (!ramping(sinceNanos, nowNanos)) {
      return 1;
    }
    double elapsed = Math.max(0, nowNanos - sinceNanos) / (double) windowNanos;
    return FLOOR + (1 - FLOOR) * elapsed;
  }

  /** How long between picker rebuilds while some backend ramps. */
  long stepNanos() {
    return Math.max(MIN_STEP_NANOS, windowNanos / 10);
  }

  /**
   * The weight scale while some backend ramps, for a pool whose weights add up to {@code total}.
   */
  static int scaleFor(long total) {
    return total * SCALE <= MAX_SCALED_TOTAL ? SCALE : 1;
  }

  /** The effective weight of a ramping backend: at least 1. */
  static int rampedWeight(int weight, int scale, double fraction) {
    return (int) Math.max(1, Math.round(weight * scale * fraction));
  }
}
