package dev.weir.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.weir.api.v1.BackendStats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BackendCountersLatencyTest {

  private final AtomicLong now = new AtomicLong();
  private final BackendCounters counters =
      new BackendCounters("web", "10.0.0.1:80", Duration.ofSeconds(5), now::get);

  @Test
  void aSnapshotCarriesTheLastIntervalsConnectLatencyInMicroseconds() {
    for (int i = 0; i < 98; i++) {
      counters.connected(250_000); // 250 µs
    }
    counters.connected(30_000_000); // 30 ms
    counters.connected(30_000_000);
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    BackendStats stats = counters.snapshot();

    assertThat(stats.getTotalConnections()).isEqualTo(100);
    assertThat(stats.getConnectLatencyP50Us()).isCloseTo(250, withinPercentage(100.0 / 32));
    assertThat(stats.getConnectLatencyP99Us()).isCloseTo(30_000, withinPercentage(100.0 / 32));
  }

  @Test
  void aSnapshotOfAnIntervalWithoutConnectsCarriesZeroLatency() {
    now.addAndGet(Duration.ofSeconds(5).toNanos());

    BackendStats stats = counters.snapshot();

    assertThat(stats.getConnectLatencyP50Us()).isZero();
    assertThat(stats.getConnectLatencyP99Us()).isZero();
  }
}
