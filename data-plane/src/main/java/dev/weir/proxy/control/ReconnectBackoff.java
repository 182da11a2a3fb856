package dev.weir.proxy.control;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: each delay is drawn from [d/2, d] where d doubles per failure up
 * to a cap, so a fleet that lost its control plane does not reconnect in lockstep.
 */
public final class ReconnectBackoff {

  private final long initialNanos;
  private final long maxNanos;
  private final DoubleSupplier random;
  private long ceilingNanos;

  /**
   * @param random values in [0, 1)
   */
  public ReconnectBackoff(Duration initial, Duration max, DoubleSupplier random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
    this.ceilingNanos = initialNanos;
  }

  public Duration nextDelay() {
    long ceiling = ceilingNanos;
    ceilingNanos = Math.min(maxNanos, ceiling * 2);
    long half = ceiling / 2;
    return Duration.ofNanos(half + (long) (random.getAsDouble() * (ceiling - half)));
  }

  /** After a healthy stream: the next failure starts from the initial delay again. */
  public void reset() {
    ceilingNanos = initialNanos;
  }
}
