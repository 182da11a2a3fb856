package dev.weir.control.metrics;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import java.time.Duration;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts durations into fixed buckets, from a millisecond to a minute, without locks: recording is
 * one adder increment, so a thousand proxies applying at once do not queue on it. Read as a
 * Prometheus classic histogram.
 */
final class LatencyHistogram {
  // Seconds. Pushes on a healthy fleet land in the first few; the tail shows stuck proxies.
  static final double[] UPPER_BOUNDS = {
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    60,
    Double.POSITIVE_INFINITY
  };

  private final LongAdder[] counts = new LongAdder[UPPER_BOUNDS.length];
  private final DoubleAdder sum = new DoubleAdder();

  LatencyHistogram() {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  void record(Duration latency) {
    double seconds = Math.max(0, latency.toNanos() / 1e9);
    int bucket = 0;
    while (seconds > UPPER_BOUNDS[bucket]) {
      bucket++;
    }
    counts[bucket].increment();
    sum.add(seconds);
  }

  /** Per-bucket counts (not cumulative), read once each, so the total always matches them. */
  ClassicHistogramBuckets buckets() {
    long[] read = new long[counts.length];
    for (int i = 0; i < counts.length; i++) {
      read[i] = counts[i].sum();
    }
    return ClassicHistogramBuckets.of(UPPER_BOUNDS, read);
  }

  double sumSeconds() {
    return sum.sum();
  }
}
