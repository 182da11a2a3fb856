package dev.weir.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.weir.proxy.stats.LatencyWindow.Percentiles;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {

  private static final double ERROR_PERCENT = 100.0 / 32;
  private static final long SECOND = 1_000_000_000;

  private final AtomicLong now = new AtomicLong(42 * SECOND);
  private final LatencyHistogram histogram = new LatencyHistogram();
  private final LatencyWindow window =
      new LatencyWindow(histogram, Duration.ofSeconds(10), now::get);

  @Test
  void beforeTheFirstIntervalClosesThereAreNoPercentiles() {
    histogram.record(1_000_000);
    now.addAndGet(5 * SECOND);

    assertThat(window.lastInterval()).isEqualTo(Percentiles.NONE);
  }

  @Test
  void aReadAfterAnIntervalReportsTheLatenciesOfThatInterval() {
    recordMillis(2, 99);
    recordMillis(50, 1);
    now.addAndGet(10 * SECOND);

    Percentiles p = window.lastInterval();

    assertThat(p.p50Micros()).isCloseTo(2_000, withinPercentage(ERROR_PERCENT));
    assertThat(p.p99Micros()).isCloseTo(2_000, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void eachIntervalReportsOnlyItsOwnLatencies() {
    recordMillis(50, 100);
    now.addAndGet(10 * SECOND);
    window.lastInterval();
    recordMillis(3, 100);
    now.addAndGet(10 * SECOND);

    assertThat(window.lastInterval().p99Micros()).isCloseTo(3_000, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void readsInTheMiddleOfAnIntervalSeeTheLastOneAndDoNotCutTheOpenOneShort() {
    recordMillis(4, 10);
    now.addAndGet(10 * SECOND);
    Percentiles reported = window.lastInterval();
    recordMillis(40, 10);
    now.addAndGet(3 * SECOND);

    assertThat(window.lastInterval()).isEqualTo(reported); // a scrape between two reports
    recordMillis(40, 10);
    now.addAndGet(7 * SECOND);

    assertThat(window.lastInterval().p50Micros())
        .isCloseTo(40_000, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void aReportThatFiresALittleEarlyStillClosesTheInterval() {
    recordMillis(4, 10);
    now.addAndGet(9_500_000_000L);

    assertThat(window.lastInterval().p50Micros()).isCloseTo(4_000, withinPercentage(ERROR_PERCENT));
  }

  @Test
  void anIntervalWithoutLatenciesReportsZero() {
    recordMillis(4, 10);
    now.addAndGet(10 * SECOND);
    window.lastInterval();
    now.addAndGet(10 * SECOND);

    assertThat(window.lastInterval()).isEqualTo(Percentiles.NONE);
  }

  @Test
  void aGapWithoutReadsIsReportedAsOneLongInterval() {
    recordMillis(4, 50);
    now.addAndGet(60 * SECOND);
    recordMillis(8, 50);
    now.addAndGet(60 * SECOND);

    Percentiles p = window.lastInterval();

    assertThat(p.p50Micros()).isCloseTo(4_000, withinPercentage(ERROR_PERCENT));
    assertThat(p.p99Micros()).isCloseTo(8_000, withinPercentage(ERROR_PERCENT));
  }

  private void recordMillis(long millis, int times) {
    for (int i = 0; i < times; i++) {
      histogram.record(millis * 1_000_000);
    }
  }
}
