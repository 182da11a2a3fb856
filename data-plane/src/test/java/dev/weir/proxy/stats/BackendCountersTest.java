package dev.weir.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import org.junit.jupiter.api.Test;

class BackendCountersTest {

  private final BackendCounters counters = new BackendCounters("web", "10.0.0.1:80");

  @Test
  void aBackendNeverTriedIsOfUnknownHealth() {
    BackendStats stats = counters.snapshot();

    assertThat(stats.getPool()).isEqualTo("web");
    assertThat(stats.getAddress()).isEqualTo("10.0.0.1:80");
    assertThat(stats.getHealth()).isEqualTo(BackendHealth.UNKNOWN);
    assertThat(stats.getTotalConnections()).isZero();
  }

  @Test
  void healthFollowsTheMostRecentConnectAttempt() {
    counters.connectFailed();
    assertThat(counters.health()).isEqualTo(BackendHealth.UNHEALTHY);

    counters.connected(1_000);
    assertThat(counters.health()).isEqualTo(BackendHealth.HEALTHY);

    counters.connectFailed();
    assertThat(counters.health()).isEqualTo(BackendHealth.UNHEALTHY);
  }

  @Test
  void countsAreCumulativeWhileActiveGoesUpAndDown() {
    counters.tryAcquire(0);
    counters.connected(1_000);
    counters.tryAcquire(0);
    counters.connected(2_000);
    counters.release();
    counters.connectFailed();
    counters.toBackend(100);
    counters.toBackend(20);
    counters.toClient(7);

    BackendStats stats = counters.snapshot();
    assertThat(stats.getActiveConnections()).isEqualTo(1);
    assertThat(stats.getTotalConnections()).isEqualTo(2);
    assertThat(stats.getConnectFailures()).isEqualTo(1);
    assertThat(stats.getBytesToBackend()).isEqualTo(120);
    assertThat(stats.getBytesToClient()).isEqualTo(7);
  }
}
