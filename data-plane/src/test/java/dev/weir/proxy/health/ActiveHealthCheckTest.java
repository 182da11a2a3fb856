package dev.weir.proxy.health;

import static dev.weir.proxy.health.PoolHealthFixture.proto;
import static dev.weir.proxy.health.PoolHealthFixture.tcpCheck;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.backend;
import static dev.weir.proxy.testing.Snapshots.draining;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.PoolSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Active checks on a fake clock. The prober answers at once; with the fixture's fixed random draw,
 * a backend's first probe goes out 5% of an interval after the config, then one every interval.
 */
class ActiveHealthCheckTest {

  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final PoolHealthFixture pool = new PoolHealthFixture();

  /** TCP checks every second, rise 2, fall 3. */
  private static PoolSettings.Builder checks() {
    return PoolSettings.newBuilder().setHealthCheck(tcpCheck(INTERVAL, 2, 3));
  }

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void aBackendIsUnknownAndEligibleUntilItsFirstProbe() {
    pool.apply(checks(), active("a:80"), active("b:80"));

    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.UNKNOWN);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80");

    pool.advance(INTERVAL);

    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.HEALTHY);
    assertThat(pool.prober.sent("a:80")).isEqualTo(1);
  }

  @Test
  void aBackendFailingThreeProbesInARowLeavesThePickerAndReportsUnhealthy() {
    pool.apply(checks(), active("a:80"), active("b:80"));
    pool.advance(INTERVAL);
    pool.prober.down("b:80");

    pool.advance(INTERVAL.multipliedBy(2));
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.HEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80");
    assertThat(pool.rebuilds).hasValue(0);

    pool.advance(INTERVAL);

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80");
    assertThat(pool.rebuilds).as("the picker was rebuilt without b").hasValue(1);
  }

  @Test
  void anUnhealthyBackendComesBackAfterTwoPassingProbesAndRampsUp() {
    pool.apply(
        checks().setSlowStart(proto(Duration.ofSeconds(10))),
        backend("a:80", 10, BackendState.ACTIVE),
        backend("b:80", 10, BackendState.ACTIVE));
    pool.prober.down("b:80");
    pool.advance(INTERVAL.multipliedBy(3));
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    pool.prober.up("b:80");

    pool.advance(INTERVAL);
    assertThat(pool.weights()).containsOnlyKeys("a:80");
    pool.advance(INTERVAL);

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.HEALTHY);
    Map<String, Integer> weights = pool.weights();
    assertThat(weights).containsOnlyKeys("a:80", "b:80");
    assertThat(weights.get("b:80"))
        .as("b starts its ramp near a tenth of a's share")
        .isLessThan(weights.get("a:80") / 4);
  }

  @Test
  void drainingBackendsAreProbedSoTheirHealthIsReported() {
    pool.apply(checks(), active("a:80"), draining("b:80"));
    pool.prober.down("b:80");

    pool.advance(INTERVAL.multipliedBy(3));

    assertThat(pool.prober.sent("b:80")).isEqualTo(3);
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80");
  }

  @Test
  void aLongerIntervalInANewConfigTakesEffectAndTheVerdictIsKept() {
    pool.apply(checks(), active("a:80"), active("b:80"));
    pool.prober.down("b:80");
    pool.advance(INTERVAL.multipliedBy(3));
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);

    pool.apply(
        PoolSettings.newBuilder().setHealthCheck(tcpCheck(INTERVAL.multipliedBy(10), 2, 3)),
        active("a:80"),
        active("b:80"));
    int before = pool.prober.sent("b:80");
    pool.advance(INTERVAL.multipliedBy(5));

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.prober.sent("b:80") - before)
        .as("one probe, 5% into the new interval")
        .isEqualTo(1);
  }

  @Test
  void turningChecksOffReportsTheLastConnectOutcomeAgainAndStopsProbing() {
    pool.apply(checks(), active("a:80"), active("b:80"));
    pool.prober.down("b:80");
    pool.advance(INTERVAL.multipliedBy(3));
    pool.counters("b:80").connected(1_000);
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);

    pool.apply(PoolSettings.newBuilder(), active("a:80"), active("b:80"));
    int sent = pool.prober.sent("b:80");
    pool.advance(INTERVAL.multipliedBy(5));

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.HEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80");
    assertThat(pool.prober.sent("b:80")).isEqualTo(sent);
  }

  @Test
  void aRemovedBackendIsProbedNoMore() {
    pool.apply(checks(), active("a:80"), active("b:80"));
    pool.advance(INTERVAL);

    pool.apply(checks(), active("a:80"));
    pool.advance(INTERVAL.multipliedBy(5));

    assertThat(pool.prober.sent("b:80")).isEqualTo(1);
    assertThat(pool.prober.sent("a:80")).isEqualTo(6);
  }

  @Test
  void closingLeavesNoTimerBehind() {
    pool.apply(checks().setSlowStart(proto(Duration.ofSeconds(10))), active("a:80"));
    pool.apply(
        checks().setSlowStart(proto(Duration.ofSeconds(10))), active("a:80"), active("b:80"));
    assertThat(pool.clock.pending()).isPositive();

    pool.health.close();
    pool.advance(INTERVAL.multipliedBy(5));

    assertThat(pool.clock.pending()).isZero();
    assertThat(pool.prober.sent("a:80")).isZero();
  }
}
