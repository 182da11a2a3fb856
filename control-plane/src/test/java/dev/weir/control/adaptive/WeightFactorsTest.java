package dev.weir.control.adaptive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightFactorsTest {
  private static final AdaptivePolicy DEFAULTS =
      new AdaptivePolicy(true, 0.10, 2.00, Duration.ofSeconds(10));

  @Test
  void backendsThatReportAlikeKeepTheirFactors() {
    Map<String, Double> next =
        WeightFactors.next(List.of(typical("a"), typical("b"), typical("c")), Map.of(), DEFAULTS);

    assertThat(next).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1.0, "b", 1.0, "c", 1.0));
  }

  @Test
  void smallDifferencesAreWithinTheDeadZone() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("a", 2_000, 0.0, 4.0), signals("b", 2_150, 0.004, 4.3), typical("c")),
            Map.of(),
            DEFAULTS);

    assertThat(next.values()).containsOnly(1.0);
  }

  @Test
  void aSlowerBackendLosesShareAndTheOthersGainIt() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("slow", 20_000, 0, 4), typical("b"), typical("c")), Map.of(), DEFAULTS);

    assertThat(next.get("slow")).isLessThan(1.0);
    assertThat(next.get("b")).isGreaterThan(1.0).isEqualTo(next.get("c"));
    assertThat(next.get("slow") + next.get("b") + next.get("c"))
        .as("the pool's total weight is shifted, not changed")
        .isCloseTo(3.0, within(1e-9));
  }

  @Test
  void aBackendFailingConnectsLosesShare() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("failing", 2_000, 0.30, 4), typical("b"), typical("c")),
            Map.of(),
            DEFAULTS);

    assertThat(next.get("failing")).isLessThan(1.0);
  }

  @Test
  void aBackendCarryingMoreConnectionsPerWeightLosesShareAndALighterOneGains() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("busy", 2_000, 0, 20), signals("light", 2_000, 0, 0), typical("c")),
            Map.of(),
            DEFAULTS);

    assertThat(next.get("busy")).isLessThan(next.get("c"));
    assertThat(next.get("light")).isGreaterThan(next.get("c"));
  }

  @Test
  void oneIntervalMovesAFactorGraduallyEvenWhenTheSignalIsExtreme() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("awful", 500_000, 0.9, 100), typical("b"), typical("c")),
            Map.of(),
            DEFAULTS);

    double relative = next.get("awful") / next.get("b");
    assertThat(relative).isCloseTo(1 / WeightFactors.MAX_STEP, within(1e-9));
  }

  @Test
  void aBackendThatStaysSlowSinksToTheLowerBoundAndNoFactorPassesTheUpper() {
    Map<String, Double> factors = new HashMap<>();
    for (int interval = 0; interval < 100; interval++) {
      factors =
          WeightFactors.next(
              List.of(signals("slow", 50_000, 0, 4), typical("b"), typical("c")),
              factors,
              DEFAULTS);
    }

    assertThat(factors.get("slow")).isEqualTo(0.10);
    assertThat(factors.values()).allSatisfy(f -> assertThat(f).isBetween(0.10, 2.00));
  }

  @Test
  void thePoolsOwnBoundsAreKept() {
    AdaptivePolicy narrow = new AdaptivePolicy(true, 0.50, 1.20, Duration.ofSeconds(10));
    Map<String, Double> factors = new HashMap<>();
    for (int interval = 0; interval < 100; interval++) {
      factors =
          WeightFactors.next(
              List.of(signals("slow", 50_000, 0, 4), signals("fast", 100, 0, 0), typical("c")),
              factors,
              narrow);
    }

    assertThat(factors.get("slow")).isEqualTo(0.50);
    assertThat(factors.get("fast")).isEqualTo(1.20);
  }

  @Test
  void backendsNoProxyReportsOnKeepTheirFactor() {
    BackendSignals silent = new BackendSignals("silent", 1, 0, 0, 0, false);

    Map<String, Double> next =
        WeightFactors.next(
            List.of(silent, signals("slow", 50_000, 0, 4), typical("c")),
            Map.of("silent", 0.7),
            DEFAULTS);

    assertThat(next.get("silent")).isEqualTo(0.7);
  }

  @Test
  void withFewerThanTwoReportedBackendsThereIsNothingToCompare() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("slow", 50_000, 0.5, 40)), Map.of("slow", 0.8), DEFAULTS);

    assertThat(next).containsExactly(Map.entry("slow", 0.8));
  }

  @Test
  void latencyIsComparedOnlyAmongBackendsWithConnectsToTime() {
    Map<String, Double> next =
        WeightFactors.next(
            List.of(signals("idle", 0, 0, 4), typical("b"), typical("c")), Map.of(), DEFAULTS);

    assertThat(next.values()).containsOnly(1.0);
  }

  private static BackendSignals typical(String address) {
    return signals(address, 2_000, 0, 4);
  }

  private static BackendSignals signals(
      String address, double p99Micros, double failureRatio, double activePerWeight) {
    return new BackendSignals(address, 1, p99Micros, failureRatio, activePerWeight, true);
  }
}
