package dev.weir.control.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Backend;
import org.junit.jupiter.api.Test;

class EffectiveWeightsTest {

  @Test
  void anEffectiveWeightIsTheConfiguredOneTimesTheFactorRoundedWithinTheWeightRange() {
    assertThat(EffectiveWeights.of(10, 0.86)).isEqualTo(9);
    assertThat(EffectiveWeights.of(3, 0.1)).as("never below 1").isEqualTo(1);
    assertThat(EffectiveWeights.of(800, 2.0)).as("never above 1000").isEqualTo(1000);
  }

  @Test
  void onlyAChangeOfMoreThanTenPercentIsMeaningful() {
    assertThat(EffectiveWeights.meaningful(100, 110)).isFalse();
    assertThat(EffectiveWeights.meaningful(100, 90)).isFalse();
    assertThat(EffectiveWeights.meaningful(100, 111)).isTrue();
    assertThat(EffectiveWeights.meaningful(1, 2)).isTrue();
  }

  @Test
  void anEffectiveWeightEqualToTheConfiguredOneIsStoredAsNone() {
    assertThat(EffectiveWeights.stored(10, 10)).isZero();
    assertThat(EffectiveWeights.stored(10, 7)).isEqualTo(7);
  }

  @Test
  void aStoredEffectiveWeightStandsForItsFactor() {
    Backend backend = Backend.newBuilder().setWeight(10).setEffectiveWeight(5).build();

    assertThat(EffectiveWeights.current(backend)).isEqualTo(5);
    assertThat(EffectiveWeights.factor(backend)).isEqualTo(0.5);
    assertThat(EffectiveWeights.factor(backend.toBuilder().clearEffectiveWeight().build()))
        .isEqualTo(1.0);
  }
}
