package dev.weir.proxy.health;

import static dev.weir.proxy.health.PoolHealthFixture.outliers;
import static dev.weir.proxy.testing.Snapshots.active;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.PoolSettings;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OutlierDetectionTest {

  private static final Duration BASE = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofSeconds(25);

  private final PoolHealthFixture pool = new PoolHealthFixture();

  @AfterEach
  void close() {
    pool.close();
  }

  /** Ejects after 3 failures in a row, for 10 s, 20 s, then 25 s at most; up to half the pool. */
  private static PoolSettings.Builder outlierSettings(int maxPercent) {
    return PoolSettings.newBuilder().setOutlierDetection(outliers(3, BASE, MAX, maxPercent));
  }

  private void applyThreeBackends() {
    pool.apply(outlierSettings(50), active("a:80"), active("b:80"), active("c:80"));
  }

  @Test
  void threeFailedConnectsInARowEjectTheBackendUntilTheBaseTimeHasPassed() {
    applyThreeBackends();
    pool.failConnects("b:80", 2);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80", "c:80");

    pool.failConnects("b:80", 1);

    BackendStats stats = pool.stats("b:80");
    assertThat(stats.getHealth()).isEqualTo(BackendHealth.EJECTED);
    assertThat(PoolHealthFixture.millis(stats.getEjectedUntil()))
        .isEqualTo(FakeClock.EPOCH_MILLIS + BASE.toMillis());
    assertThat(pool.weights()).containsOnlyKeys("a:80", "c:80");

    pool.advance(BASE.minusMillis(1));
    assertThat(pool.weights()).containsOnlyKeys("a:80", "c:80");
    pool.advance(Duration.ofMillis(1));

    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80", "c:80");
    assertThat(pool.stats("b:80").getHealth())
        .as("without checks, the last connect's outcome again")
        .isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.stats("b:80").hasEjectedUntil()).isFalse();
    assertThat(pool.rebuilds).as("one rebuild to eject, one to take back").hasValue(2);
  }

  @Test
  void aSuccessfulConnectResetsTheFailureStreak() {
    applyThreeBackends();

    pool.failConnects("b:80", 2);
    pool.counters("b:80").connected(1_000);
    pool.failConnects("b:80", 2);

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsKey("b:80");
  }

  @Test
  void threeUnansweredConnectionsInARowEjectTheBackendThoughItsConnectsSucceed() {
    applyThreeBackends();

    for (int i = 0; i < 3; i++) {
      // A stopped backend's kernel still accepts, so every connect succeeds.
      pool.counters("b:80").connected(1_000);
      pool.counters("b:80").unanswered();
    }

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.EJECTED);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "c:80");
  }

  @Test
  void anAnswerResetsTheUnansweredStreak() {
    applyThreeBackends();

    pool.counters("b:80").unanswered();
    pool.counters("b:80").unanswered();
    pool.counters("b:80").responded();
    pool.counters("b:80").unanswered();
    pool.counters("b:80").unanswered();

    assertThat(pool.weights()).containsKey("b:80");
  }

  @Test
  void connectFailuresAndUnansweredConnectionsAreCountedApart() {
    applyThreeBackends();

    pool.failConnects("b:80", 2);
    pool.counters("b:80").unanswered();
    pool.counters("b:80").unanswered();

    assertThat(pool.weights()).containsKey("b:80");
  }

  @Test
  void theNthEjectionLastsNTimesTheBaseUpToTheMax() {
    applyThreeBackends();

    assertThat(ejectionLength("b:80")).isEqualTo(BASE);
    assertThat(ejectionLength("b:80")).isEqualTo(BASE.multipliedBy(2));
    assertThat(ejectionLength("b:80")).isEqualTo(MAX);
    assertThat(ejectionLength("b:80")).isEqualTo(MAX);
  }

  @Test
  void theEjectionCountIsForgottenOnceTheBackendStaysInForTheMaxTime() {
    applyThreeBackends();
    assertThat(ejectionLength("b:80")).isEqualTo(BASE);
    assertThat(ejectionLength("b:80")).isEqualTo(BASE.multipliedBy(2));

    pool.advance(MAX);

    assertThat(ejectionLength("b:80")).isEqualTo(BASE);
  }

  @Test
  void atMostHalfOfFourBackendsAreEjectedEvenIfAllFail() {
    pool.apply(outlierSettings(50), active("a:80"), active("b:80"), active("c:80"), active("d:80"));

    Stream.of("a:80", "b:80", "c:80", "d:80").forEach(b -> pool.failConnects(b, 3));

    assertThat(Stream.of("a:80", "b:80", "c:80", "d:80").map(pool::reported))
        .containsExactly(
            BackendHealth.EJECTED,
            BackendHealth.EJECTED,
            BackendHealth.UNHEALTHY,
            BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("c:80", "d:80");
  }

  @Test
  void evenAtOneHundredPercentOneBackendStaysIn() {
    pool.apply(outlierSettings(100), active("a:80"), active("b:80"));

    pool.failConnects("a:80", 3);
    pool.failConnects("b:80", 3);

    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.EJECTED);
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("b:80");
  }

  @Test
  void theOnlyBackendOfAPoolIsNeverEjected() {
    pool.apply(outlierSettings(100), active("a:80"));

    pool.failConnects("a:80", 30);

    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80");
  }

  @Test
  void disabledDetectionNeverEjectsAndEndsEjectionsUnderway() {
    applyThreeBackends();
    pool.failConnects("a:80", 3);
    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.EJECTED);

    pool.apply(
        PoolSettings.newBuilder().setOutlierDetection(outliers(3, BASE, MAX, 50).setDisabled(true)),
        active("a:80"),
        active("b:80"),
        active("c:80"));
    pool.failConnects("b:80", 10);

    assertThat(pool.reported("a:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    assertThat(pool.weights()).containsOnlyKeys("a:80", "b:80", "c:80");
    pool.clock.runDue(); // The rebuilds asked for.
    assertThat(pool.clock.pending()).as("the ejection's timer was cancelled").isZero();
  }

  @Test
  void detectionIsOnByDefaultAfterFiveFailures() {
    pool.apply(PoolSettings.newBuilder(), active("a:80"), active("b:80"));

    pool.failConnects("b:80", 4);
    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.UNHEALTHY);
    pool.failConnects("b:80", 1);

    assertThat(pool.reported("b:80")).isEqualTo(BackendHealth.EJECTED);
  }

  @Test
  void aBackendBackFromEjectionRampsUpAgain() {
    pool.apply(
        outlierSettings(50).setSlowStart(PoolHealthFixture.proto(Duration.ofSeconds(20))),
        active("a:80"),
        active("b:80"),
        active("c:80"));
    pool.failConnects("b:80", 3);

    pool.advance(BASE);

    assertThat(pool.weights())
        .containsExactly(Map.entry("a:80", 10), Map.entry("b:80", 1), Map.entry("c:80", 10));
  }

  /** Ejects {@code address}, returns how long the ejection lasted, and waits it out. */
  private Duration ejectionLength(String address) {
    pool.failConnects(address, 3);
    assertThat(pool.reported(address)).isEqualTo(BackendHealth.EJECTED);
    long until = PoolHealthFixture.millis(pool.stats(address).getEjectedUntil());
    Duration length = Duration.ofMillis(until - pool.clock.currentTimeMillis());
    pool.advance(length);
    assertThat(pool.reported(address)).isNotEqualTo(BackendHealth.EJECTED);
    return length;
  }
}
