package dev.weir.proxy.health;

import static dev.weir.api.v1.BackendHealth.HEALTHY;
import static dev.weir.api.v1.BackendHealth.UNHEALTHY;
import static dev.weir.api.v1.BackendHealth.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RiseFallTest {

  @Test
  void beforeAnyProbeTheVerdictIsUnknownAndOneSuccessMakesItHealthy() {
    RiseFall checks = new RiseFall(2, 3);
    assertThat(checks.verdict()).isEqualTo(UNKNOWN);

    assertThat(checks.record(true)).isTrue();

    assertThat(checks.verdict()).isEqualTo(HEALTHY);
  }

  @Test
  void fallOfThreeNeedsExactlyThreeFailuresInARow() {
    RiseFall checks = new RiseFall(2, 3, HEALTHY);

    assertThat(checks.record(false)).isFalse();
    assertThat(checks.record(false)).isFalse();
    assertThat(checks.verdict()).isEqualTo(HEALTHY);
    assertThat(checks.record(false)).isTrue();

    assertThat(checks.verdict()).isEqualTo(UNHEALTHY);
  }

  @Test
  void anUnknownBackendAlsoNeedsFallFailuresToTurnUnhealthy() {
    RiseFall checks = new RiseFall(2, 3);

    checks.record(false);
    checks.record(false);
    assertThat(checks.verdict()).isEqualTo(UNKNOWN);
    checks.record(false);

    assertThat(checks.verdict()).isEqualTo(UNHEALTHY);
  }

  @Test
  void riseOfTwoNeedsExactlyTwoSuccessesInARow() {
    RiseFall checks = new RiseFall(2, 3, UNHEALTHY);

    assertThat(checks.record(true)).isFalse();
    assertThat(checks.verdict()).isEqualTo(UNHEALTHY);
    assertThat(checks.record(true)).isTrue();

    assertThat(checks.verdict()).isEqualTo(HEALTHY);
  }

  @Test
  void aSuccessInBetweenResetsTheFailureStreak() {
    RiseFall checks = new RiseFall(2, 3, HEALTHY);

    checks.record(false);
    checks.record(false);
    checks.record(true);
    checks.record(false);
    checks.record(false);
    assertThat(checks.verdict()).isEqualTo(HEALTHY);
    checks.record(false);

    assertThat(checks.verdict()).isEqualTo(UNHEALTHY);
  }

  @Test
  void aFailureInBetweenResetsTheSuccessStreak() {
    RiseFall checks = new RiseFall(2, 3, UNHEALTHY);

    checks.record(true);
    checks.record(false);
    checks.record(true);
    assertThat(checks.verdict()).isEqualTo(UNHEALTHY);
    checks.record(true);

    assertThat(checks.verdict()).isEqualTo(HEALTHY);
  }
}
