package dev.weir.control.adaptive;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.control.pool.Mutation;
import dev.weir.control.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AdaptiveWeightsLoopTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final AtomicReference<ConfigSnapshot> config = new AtomicReference<>();
  private final List<Mutation> commits = new ArrayList<>();
  private List<BackendSignals> reported = List.of();
  private final AdaptiveWeightsLoop loop =
      new AdaptiveWeightsLoop(config::get, pool -> reported, this::commit, clock);

  @Test
  void aSlowBackendsEffectiveWeightIsLoweredInARevisionOnceAnIntervalHasPassed() {
    configure(true, backend("a", 100, 0), backend("b", 100, 0), backend("c", 100, 0));
    reported = List.of(signals("a", 30_000), signals("b", 2_000), signals("c", 2_000));

    loop.tick();
    assertThat(commits).as("the first interval starts when the pool is first seen").isEmpty();
    clock.advance(INTERVAL.minusSeconds(1));
    loop.tick();
    assertThat(commits).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    loop.tick();

    assertThat(commits).hasSize(1);
    assertThat(effectiveWeights())
        .containsExactly(Map.entry("a", 86), Map.entry("b", 107), Map.entry("c", 107));
  }

  @Test
  void aChangeOfTenPercentOrLessMakesNoRevision() {
    configure(true, backend("a", 100, 0), backend("b", 100, 0), backend("c", 100, 0));
    reported = List.of(signals("a", 4_000), signals("b", 2_000), signals("c", 2_000));
    loop.tick();

    clock.advance(INTERVAL);
    loop.tick();

    assertThat(commits).isEmpty();
  }

  @Test
  void smallStepsAddUpToARevisionOnceTheyAreMeaningful() {
    configure(true, backend("a", 100, 0), backend("b", 100, 0), backend("c", 100, 0));
    reported = List.of(signals("a", 4_000), signals("b", 2_000), signals("c", 2_000));
    loop.tick();

    int intervals = 0;
    while (commits.isEmpty() && intervals < 10) {
      clock.advance(INTERVAL);
      loop.tick();
      intervals++;
    }

    assertThat(intervals).isGreaterThan(1);
    assertThat(commits).hasSize(1);
    assertThat(effectiveWeights().get("a")).isLessThan(90);
  }

  @Test
  void aBackendBackAtItsConfiguredWeightIsStoredWithoutAnEffectiveOne() {
    configure(true, backend("a", 100, 80), backend("b", 100, 0), backend("c", 100, 0));
    // a is as good as the others now, and lighter: it earns its share back.
    reported =
        List.of(
            new BackendSignals("a", 100, 2_000, 0, 0.0, true),
            new BackendSignals("b", 100, 2_000, 0, 2.0, true),
            new BackendSignals("c", 100, 2_000, 0, 2.0, true));
    loop.tick();
    clock.advance(INTERVAL);

    loop.tick();

    assertThat(commits).hasSize(1);
    assertThat(config.get().getPools(0).getBackendsList())
        .extracting(Backend::getEffectiveWeight)
        .containsExactly(0, 0, 0);
  }

  @Test
  void turningAdaptiveWeightsOffClearsTheEffectiveWeights() {
    configure(false, backend("a", 10, 4), backend("b", 10, 0));

    loop.tick();

    assertThat(commits).hasSize(1);
    assertThat(config.get().getPools(0).getBackendsList())
        .allSatisfy(b -> assertThat(b.getEffectiveWeight()).isZero());
    loop.tick();
    assertThat(commits).as("nothing left to clear").hasSize(1);
  }

  @Test
  void drainingBackendsAreLeftAsTheyAre() {
    configure(
        true,
        backend("a", 10, 0),
        backend("b", 10, 0),
        backend("c", 10, 7).toBuilder().setState(BackendState.DRAINING).build());
    reported = List.of(signals("a", 30_000), signals("b", 2_000));
    loop.tick();
    clock.advance(INTERVAL);
    loop.tick();

    assertThat(effectiveWeights()).containsEntry("c", 7);
  }

  @Test
  void thePoolsIntervalSetsTheCadence() {
    configure(
        true,
        Durations.fromSeconds(60),
        backend("a", 100, 0),
        backend("b", 100, 0),
        backend("c", 100, 0));
    reported = List.of(signals("a", 30_000), signals("b", 2_000), signals("c", 2_000));
    loop.tick();

    clock.advance(INTERVAL);
    loop.tick();
    assertThat(commits).isEmpty();
    clock.advance(Duration.ofSeconds(50));
    loop.tick();
    assertThat(commits).hasSize(1);
  }

  private void commit(Mutation mutation) {
    commits.add(mutation);
    ConfigSnapshot before = config.get();
    config.set(
        before.toBuilder()
            .setVersion(before.getVersion() + 1)
            .clearPools()
            .addAllPools(mutation.apply(before.getPoolsList()))
            .build());
  }

  private Map<String, Integer> effectiveWeights() {
    return config.get().getPools(0).getBackendsList().stream()
        .collect(
            Collectors.toMap(
                Backend::getAddress,
                b -> b.getEffectiveWeight() != 0 ? b.getEffectiveWeight() : b.getWeight(),
                (x, y) -> x,
                java.util.LinkedHashMap::new));
  }

  private void configure(boolean enabled, Backend... backends) {
    configure(enabled, null, backends);
  }

  private void configure(
      boolean enabled, com.google.protobuf.Duration interval, Backend... backends) {
    AdaptiveWeights.Builder adaptive = AdaptiveWeights.newBuilder().setEnabled(enabled);
    if (interval != null) {
      adaptive.setInterval(interval);
    }
    config.set(
        ConfigSnapshot.newBuilder()
            .setVersion(1)
            .addPools(
                Pool.newBuilder()
                    .setName("web")
                    .setListen(":8080")
                    .addAllBackends(List.of(backends))
                    .setSettings(PoolSettings.newBuilder().setAdaptiveWeights(adaptive)))
            .build());
  }

  private static Backend backend(String address, int weight, int effective) {
    return Backend.newBuilder()
        .setAddress(address)
        .setWeight(weight)
        .setEffectiveWeight(effective)
        .setState(BackendState.ACTIVE)
        .build();
  }

  private static BackendSignals signals(String address, double p99Micros) {
    return new BackendSignals(address, 100, p99Micros, 0, 0.04, true);
  }
}
