package dev.weir.control.health;

import static dev.weir.api.v1.FleetHealth.FLEET_HEALTHY;
import static dev.weir.api.v1.FleetHealth.FLEET_UNHEALTHY;
import static dev.weir.api.v1.FleetHealth.FLEET_UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.FleetHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumRuleTest {

  @ParameterizedTest(name = "{0} healthy, {1} unhealthy at {2}% -> {3}")
  @CsvSource({
    // One proxy: its view decides.
    "1, 0, 50, FLEET_HEALTHY",
    "0, 1, 50, FLEET_UNHEALTHY",
    // Two: one of two is half, which is the default quorum.
    "2, 0, 50, FLEET_HEALTHY",
    "1, 1, 50, FLEET_UNHEALTHY",
    "1, 1, 51, FLEET_HEALTHY",
    // Three: one partitioned proxy cannot condemn it; two can.
    "2, 1, 50, FLEET_HEALTHY",
    "1, 2, 50, FLEET_UNHEALTHY",
    // Five: two is not a quorum at 50%, three is.
    "3, 2, 50, FLEET_HEALTHY",
    "2, 3, 50, FLEET_UNHEALTHY",
    "4, 1, 20, FLEET_UNHEALTHY",
    "1, 4, 100, FLEET_HEALTHY",
    "0, 5, 100, FLEET_UNHEALTHY",
  })
  void aBackendIsUnhealthyWhenAtLeastTheQuorumOfJudgingProxiesSaySo(
      int healthy, int unhealthy, int quorum, FleetHealth expected) {
    assertThat(QuorumRule.verdict(healthy, unhealthy, quorum)).isEqualTo(expected);
  }

  @Test
  void withNoProxyJudgingTheVerdictIsUnknown() {
    assertThat(QuorumRule.verdict(0, 0, 50)).isEqualTo(FLEET_UNKNOWN);
  }

  @Test
  void anUnsetQuorumMeansHalf() {
    assertThat(QuorumRule.verdict(1, 1, 0)).isEqualTo(FLEET_UNHEALTHY);
    assertThat(QuorumRule.verdict(2, 1, 0)).isEqualTo(FLEET_HEALTHY);
    assertThat(QuorumRule.effective(0)).isEqualTo(50);
  }

  @Test
  void aQuorumPastTheRangeActsAsAllOfThem() {
    assertThat(QuorumRule.effective(-1)).isEqualTo(100);
    assertThat(QuorumRule.verdict(1, 4, -1)).isEqualTo(FLEET_HEALTHY);
  }
}
