package dev.weir.proxy.stats;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A count of open connections under a cap, with the refusals the cap caused. The proxy-wide budget,
 * each listener and each backend slot admit this way, on every event loop at once, so taking one is
 * a compare-and-set rather than a lock: the check and the increment must be one step, or two loops
 * could both see room for the last one.
 */
public final class CappedCount {

  private final AtomicLong open = new AtomicLong();
  private final LongAdder refused = new LongAdder();

  /**
   * Takes one if fewer than {@code limit} are open, else counts a refusal and returns false. A
   * limit of 0 or less means no cap.
   */
  public boolean tryTake(long limit) {
    if (limit <= 0) {
      open.incrementAndGet();
      return true;
    }
    long current;
    do {
      current = open.get();
      if (current >= limit) {
        refused.increment();
        return false;
      }
    } while (!open.compareAndSet(current, current + 1));
    return true;
  }

  /** Gives one back. */
  public void release() {
    open.decrementAndGet();
  }

  /** Counts a refusal made for a reason outside this cap. */
  public void refuse() {
    refused.increment();
  }

  public long open() {
    return open.get();
  }

  /** Refusals since this count was made. */
  public long refused() {
    return refused.sum();
  }
}
