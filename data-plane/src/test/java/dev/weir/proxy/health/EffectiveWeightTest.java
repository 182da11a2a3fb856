package dev.weir.proxy.health;

import static dev.weir.proxy.health.PoolHealthFixture.proto;
import static dev.weir.proxy.health.PoolHealthFixture.tcpCheck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.PoolSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control plane's effective weights as the pool's selection uses them. */
class EffectiveWeightTest {

  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final PoolHealthFixture pool = new PoolHealthFixture();

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void backendsAreBalancedByTheirEffectiveWeightWhereTheyHaveOne() {
    pool.apply(PoolSettings.newBuilder(), weighted("a:80", 3, 2), weighted("b:80", 3, 0));

    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 2), Map.entry("b:80", 3));
  }

  @Test
  void slowStartRampsUpToTheEffectiveWeight() {
    Duration window = Duration.ofSeconds(10);
    PoolSettings.Builder settings = PoolSettings.newBuilder().setSlowStart(proto(window));
    pool.apply(settings, weighted("a:80", 4, 8));
    pool.apply(settings, weighted("a:80", 4, 8), weighted("b:80", 4, 8));

    pool.advance(window);

    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 8), Map.entry("b:80", 8));
  }

  @Test
  void failingOpenFallsBackToTheConfiguredWeights() {
    PoolSettings.Builder checks =
        PoolSettings.newBuilder().setHealthCheck(tcpCheck(INTERVAL, 1, 1));
    pool.apply(checks, weighted("a:80", 3, 1), weighted("b:80", 1, 5));
    pool.prober.down("a:80");
    pool.prober.down("b:80");

    pool.advance(INTERVAL);

    assertThat(pool.health.select().failOpen()).isTrue();
    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 3), Map.entry("b:80", 1));
  }

  private static Backend weighted(String address, int weight, int effectiveWeight) {
    return Backend.newBuilder()
        .setAddress(address)
        .setWeight(weight)
        .setEffectiveWeight(effectiveWeight)
        .setState(BackendState.ACTIVE)
        .build();
  }
}
