package dev.weir.proxy.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts latencies in log-linear buckets, lock-free: recording is one atomic increment and
 * allocates nothing, so the event loop can record every connect.
 *
 * <p>Each power of two from 512 ns up to about 68.7 s is split into 16 equal buckets (432 in all),
 * so a bucket is at most 1/16 as wide as its lower bound and a percentile, reported as the middle
 * of its bucket, is within 1/32 (about 3.1 %) of a recorded value. Latencies below the range count
 * in the lowest bucket, above it in the highest.
 *
 * <p>Counts only grow. An interval's counts are the difference of two {@link #snapshot()}s: an
 * increment lands in a bucket before or after that bucket is copied, so it is counted in exactly
 * one interval and none is lost to a reset.
 */
public final class LatencyHistogram {

  private static final int SUB_BUCKET_BITS = 4;
  private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
  // 2^9 ns, so that 1 µs is well inside the range.
  private static final int LOWEST_OCTAVE = 9;
  // Up to 2^36 ns, about 68.7 s: room for the longest connect timeout a pool may set (60 s).
  private static final int OCTAVES = 36 - LOWEST_OCTAVE;
  static final int BUCKETS = OCTAVES * SUB_BUCKETS;
  private static final long LOWEST_NANOS = 1L << LOWEST_OCTAVE;
  private static final long HIGHEST_NANOS = (1L << (LOWEST_OCTAVE + OCTAVES)) - 1;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

  public void record(long nanos) {
    counts.incrementAndGet(bucketOf(nanos));
  }

  /** A copy of the counts so far; not atomic across buckets, but every bucket is exact. */
  public Snapshot snapshot() {
    long[] copy = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      copy[i] = counts.get(i);
    }
    return new Snapshot(copy);
  }

  static int bucketOf(long nanos) {
    long v = Math.min(Math.max(nanos, LOWEST_NANOS), HIGHEST_NANOS);
    int octave = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (octave - SUB_BUCKET_BITS)) & (SUB_BUCKETS - 1);
    return (octave - LOWEST_OCTAVE) * SUB_BUCKETS + sub;
  }

  static long lowerBoundNanos(int bucket) {
    int octave = LOWEST_OCTAVE + bucket / SUB_BUCKETS;
    long sub = SUB_BUCKETS + bucket % SUB_BUCKETS;
    return sub << (octave - SUB_BUCKET_BITS);
  }

  static long widthNanos(int bucket) {
    return 1L << (LOWEST_OCTAVE + bucket / SUB_BUCKETS - SUB_BUCKET_BITS);
  }

  /** Counts at one moment, or the difference between two moments. Immutable. */
  public static final class Snapshot {

    public static final Snapshot EMPTY = new Snapshot(new long[BUCKETS]);

    private final long[] counts;
    private final long total;

    private Snapshot(long[] counts) {
      this.counts = counts;
      long sum = 0;
      for (long c : counts) {
        sum += c;
      }
      this.total = sum;
    }

    /** How many latencies were recorded. */
    public long count() {
      return total;
    }

    /** What was recorded after {@code earlier}, a snapshot of the same histogram. */
    public Snapshot minus(Snapshot earlier) {
      long[] diff = new long[BUCKETS];
      for (int i = 0; i < BUCKETS; i++) {
        diff[i] = counts[i] - earlier.counts[i];
      }
      return new Snapshot(diff);
    }

    /**
     * The latency at or below which a {@code quantile} (0..1] of the recordings fall, in
     * nanoseconds, as the middle of its bucket; 0 when nothing was recorded.
     */
    public long percentileNanos(double quantile) {
      if (!(quantile > 0 && quantile <= 1)) {
        throw new IllegalArgumentException("quantile must be in (0, 1], got " + quantile);
      }
      if (total == 0) {
        return 0;
      }
      // The rank of the wanted recording, 1-based: the median of 4 is the 2nd. The epsilon keeps
      // a product like 0.07 * 100 = 7.000000000000001 from rounding up a whole rank.
      long rank = Math.max(1, (long) Math.ceil(quantile * total - 1e-9));
      long seen = 0;
      for (int i = 0; i < BUCKETS; i++) {
        seen += counts[i];
        if (seen >= rank) {
          return lowerBoundNanos(i) + widthNanos(i) / 2;
        }
      }
      return lowerBoundNanos(BUCKETS - 1) + widthNanos(BUCKETS - 1) / 2;
    }

    /** {@link #percentileNanos} in whole microseconds, rounded; 0 when nothing was recorded. */
    public long percentileMicros(double quantile) {
      return Math.round(percentileNanos(quantile) / 1_000.0);
    }
  }
}
