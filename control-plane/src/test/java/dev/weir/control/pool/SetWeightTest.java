package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SetBackendWeight against a pool whose adaptive weights have moved a backend's share. */
class SetWeightTest {
  private static final List<Pool> ADAPTED =
      List.of(
          Pool.newBuilder()
              .setName("web")
              .setListen(":8080")
              .setSettings(
                  PoolSettings.newBuilder()
                      .setAdaptiveWeights(AdaptiveWeights.newBuilder().setEnabled(true)))
              .addBackends(backend("10.0.0.1:80", 4, 6))
              .addBackends(backend("10.0.0.2:80", 4, 2))
              .build());

  @Test
  void aNewWeightClearsTheEffectiveWeightDerivedFromTheOldOne() {
    List<Pool> next = PoolMutations.setWeight("web", "10.0.0.1:80", 10).apply(ADAPTED);

    assertThat(next.get(0).getBackendsList())
        .containsExactly(backend("10.0.0.1:80", 10, 0), backend("10.0.0.2:80", 4, 2));
  }

  @Test
  void theWeightTheBackendAlreadyHasKeepsItsEffectiveWeightAndChangesNothing() {
    List<Pool> next = PoolMutations.setWeight("web", "10.0.0.1:80", 4).apply(ADAPTED);

    assertThat(next).isEqualTo(ADAPTED);
  }

  private static Backend backend(String address, int weight, int effectiveWeight) {
    return Backend.newBuilder()
        .setAddress(address)
        .setWeight(weight)
        .setState(BackendState.ACTIVE)
        .setEffectiveWeight(effectiveWeight)
        .build();
  }
}
