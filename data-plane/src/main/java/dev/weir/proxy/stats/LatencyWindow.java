package dev.weir.proxy.stats;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The p50 and p99 of the last completed reporting interval, cut from a cumulative {@link
 * LatencyHistogram} by whoever reads them, so recording never waits on a reader.
 *
 * <p>A read closes the open interval once it is at least {@code interval} old (less a tenth, so
 * timer jitter cannot make a report miss its turn), and returns the interval closed last. Readers
 * never reset anything another reader relies on: with the stats reporter reading every interval,
 * each report covers about the interval before it, and a metrics scrape in between sees the same
 * numbers and can close an interval only in the last tenth before a report is due. When nobody
 * reads for longer than an interval, the next read closes an interval as long as the gap.
 */
public final class LatencyWindow {

  private final LatencyHistogram histogram;
  private final LongSupplier nanoTime;
  private final long closeAfterNanos;

  @GuardedBy("this")
  private LatencyHistogram.Snapshot openedWith;

  @GuardedBy("this")
  private long openedAt;

  @GuardedBy("this")
  private Percentiles last = Percentiles.NONE;

  /**
   * @param interval how long an interval lasts; the stats reporting interval
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  public LatencyWindow(LatencyHistogram histogram, Duration interval, LongSupplier nanoTime) {
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.histogram = histogram;
    this.nanoTime = nanoTime;
    this.closeAfterNanos = interval.toNanos() - interval.toNanos() / 10;
    this.openedWith = histogram.snapshot();
    this.openedAt = nanoTime.getAsLong();
  }

  /** The percentiles of the interval closed last; {@link Percentiles#NONE} before the first. */
  public synchronized Percentiles lastInterval() {
    long now = nanoTime.getAsLong();
    if (now - openedAt >= closeAfterNanos) {
      LatencyHistogram.Snapshot current = histogram.snapshot();
      LatencyHistogram.Snapshot interval = current.minus(openedWith);
      last = new Percentiles(interval.percentileMicros(0.50), interval.percentileMicros(0.99));
      openedWith = current;
      openedAt = now;
    }
    return last;
  }

  /** Latency percentiles in whole microseconds; 0 when the interval saw no latencies. */
  public record Percentiles(long p50Micros, long p99Micros) {
    public static final Percentiles NONE = new Percentiles(0, 0);
  }
}
