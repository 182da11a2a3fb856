package dev.weir.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LatencyHistogramTest {

  // The stated error: half a bucket, a bucket being at most 1/16 of its lower bound.
  private static final double ERROR_PERCENT = 100.0 / 32;
  private static final long MICROS = 1_000;
  private static final long SECONDS = 1_000_000_000;

  private final LatencyHistogram histogram = new LatencyHistogram();
  private final ExecutorService threads = Executors.newFixedThreadPool(4);

  @AfterEach
  void stopThreads() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void anEmptyHistogramReportsZero() {
    LatencyHistogram.Snapshot empty = histogram.snapshot();

    assertThat(empty.count()).isZero();
    assertThat(empty.percentileNanos(0.5)).isZero();
    assertThat(empty.percentileMicros(0.99)).isZero();
  }

  @Test
  void percentilesOfAKnownSpreadAreWithinTheStatedError() {
    for (long micros = 1; micros <= 10_000; micros++) {
      histogram.record(micros * MICROS);
    }

    LatencyHistogram.Snapshot s = histogram.snapshot();

    assertThat(s.count()).isEqualTo(10_000);
    assertThat(s.percentileMicros(0.50)).isCloseTo(5_000, withinPercentage(ERROR_PERCENT));
    assertThat(s.percentileMicros(0.99)).isCloseTo(9_900, withinPercentage(ERROR_PERCENT));
    assertThat(s.percentileMicros(1.0)).isCloseTo(10_000, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void everyLatencyFromAMicrosecondToAMinuteIsReportedWithinTheStatedError() {
    for (double nanos = MICROS; nanos <= 60.0 * SECONDS; nanos *= 1.013) {
      LatencyHistogram one = new LatencyHistogram();
      one.record((long) nanos);

      assertThat((double) one.snapshot().percentileNanos(0.5))
          .as("%.0f ns", nanos)
          .isCloseTo(nanos, withinPercentage(ERROR_PERCENT));
    }
  }

  @Test
  void percentilesPickTheRecordingOfTheirRank() {
    histogram.record(100 * MICROS);
    histogram.record(200 * MICROS);
    histogram.record(300 * MICROS);
    histogram.record(400 * MICROS);

    LatencyHistogram.Snapshot s = histogram.snapshot();

    assertThat(s.percentileMicros(0.5)).isCloseTo(200, withinPercentage(ERROR_PERCENT));
    assertThat(s.percentileMicros(0.51)).isCloseTo(300, withinPercentage(ERROR_PERCENT));
    assertThat(s.percentileMicros(0.99)).isCloseTo(400, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void latenciesOutsideTheRangeCountAtItsEdges() {
    histogram.record(0);
    histogram.record(-5);
    histogram.record(10 * 60 * SECONDS);

    LatencyHistogram.Snapshot s = histogram.snapshot();

    assertThat(s.count()).isEqualTo(3);
    assertThat(s.percentileMicros(0.1)).isEqualTo(1);
    assertThat(s.percentileNanos(1.0)).isCloseTo((1L << 36), within((1L << 36) / 32));
  }

  @Test
  void aQuantileOutsideZeroToOneIsRefused() {
    LatencyHistogram.Snapshot s = histogram.snapshot();

    assertThatThrownBy(() -> s.percentileNanos(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.percentileNanos(99)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSnapshotMinusAnEarlierOneHoldsOnlyWhatCameBetween() {
    histogram.record(5 * SECONDS);
    LatencyHistogram.Snapshot before = histogram.snapshot();
    histogram.record(100 * MICROS);
    histogram.record(100 * MICROS);

    LatencyHistogram.Snapshot between = histogram.snapshot().minus(before);

    assertThat(between.count()).isEqualTo(2);
    assertThat(between.percentileMicros(0.99)).isCloseTo(100, withinPercentage(ERROR_PERCENT));
  }

  @Test
  @Timeout(60)
  void recordingFromSeveralThreadsAtOnceLosesNothing() throws Exception {
    int writers = 3;
    int each = 200_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      long nanos = (w + 1) * 10 * MICROS;
      running.add(
          threads.submit(
              () -> {
                go.await();
                for (int i = 0; i < each; i++) {
                  histogram.record(nanos);
                }
                return null;
              }));
    }
    // A reader cutting intervals meanwhile: together they must add up to every recording.
    Future<Long> intervals =
        threads.submit(
            () -> {
              go.await();
              long counted = 0;
              LatencyHistogram.Snapshot previous = LatencyHistogram.Snapshot.EMPTY;
              while (!running.stream().allMatch(Future::isDone)) {
                LatencyHistogram.Snapshot now = histogram.snapshot();
                counted += now.minus(previous).count();
                previous = now;
              }
              return counted + histogram.snapshot().minus(previous).count();
            });

    go.countDown();
    for (Future<?> f : running) {
      f.get();
    }

    assertThat(histogram.snapshot().count()).isEqualTo((long) writers * each);
    assertThat(intervals.get()).isEqualTo((long) writers * each);
    assertThat(histogram.snapshot().percentileMicros(0.5))
        .isCloseTo(20, withinPercentage(ERROR_PERCENT));
  }
}
