package dev.weir.proxy.health;

import static dev.weir.proxy.health.PoolHealthFixture.proto;
import static dev.weir.proxy.testing.Snapshots.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Pickers;
import dev.weir.proxy.balance.Upstream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlowStartTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final PoolHealthFixture pool = new PoolHealthFixture();

  private static PoolSettings.Builder slowStart() {
    return PoolSettings.newBuilder().setSlowStart(proto(WINDOW));
  }

  @AfterEach
  void close() {
    pool.close();
  }

  @Test
  void theShareRampsLinearlyFromTenPercentToAll() {
    SlowStart ramp = new SlowStart(WINDOW);
    long since = 1_000;

    assertThat(ramp.fraction(since, since)).isCloseTo(0.1, within(1e-9));
    assertThat(ramp.fraction(since, since + WINDOW.toNanos() / 2)).isCloseTo(0.55, within(1e-9));
    assertThat(ramp.fraction(since, since + WINDOW.toNanos())).isEqualTo(1);
    assertThat(ramp.ramping(since, since + WINDOW.toNanos())).isFalse();
  }

  @Test
  void withoutAWindowNothingRamps() {
    SlowStart off = new SlowStart(Duration.ZERO);

    assertThat(off.ramping(0, 0)).isFalse();
    assertThat(off.fraction(0, 0)).isEqualTo(1);
  }

  @Test
  void backendsOfThePoolsFirstConfigTakeTheirFullWeightAtOnce() {
    pool.apply(slowStart(), weighted("a:80", 10), weighted("b:80", 10));

    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 10), Map.entry("b:80", 10));
  }

  @Test
  void anAddedBackendGetsTenThenFiftyFiveThenAllOfItsWeight() {
    pool.apply(slowStart(), weighted("a:80", 10));
    pool.apply(slowStart(), weighted("a:80", 10), weighted("b:80", 10));

    // While b ramps every weight is scaled by ten, so b's 10% of 10 is 10 against a's 100.
    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 100), Map.entry("b:80", 10));
    assertThat(cycleCounts(110))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a:80", 100, "b:80", 10));

    pool.advance(WINDOW.dividedBy(2));
    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 100), Map.entry("b:80", 55));
    assertThat(cycleCounts(155))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a:80", 100, "b:80", 55));

    pool.advance(WINDOW.dividedBy(2));
    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 10), Map.entry("b:80", 10));
    assertThat(cycleCounts(20)).containsExactlyInAnyOrderEntriesOf(Map.of("a:80", 10, "b:80", 10));
  }

  @Test
  void aRoundRobinPoolRampsAnAddedWeightOneBackend() {
    pool.apply(slowStart(), weighted("a:80", 1));
    pool.apply(slowStart(), weighted("a:80", 1), weighted("b:80", 1));

    assertThat(cycleCounts(Algorithm.ROUND_ROBIN, 110))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a:80", 100, "b:80", 10));

    pool.advance(WINDOW);
    assertThat(cycleCounts(Algorithm.ROUND_ROBIN, 20))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a:80", 10, "b:80", 10));
  }

  @Test
  void weightOneBackendsRampToo() {
    pool.apply(slowStart(), weighted("a:80", 1));
    pool.apply(slowStart(), weighted("a:80", 1), weighted("b:80", 1));

    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 10), Map.entry("b:80", 1));
  }

  @Test
  void anUndrainedBackendRamps() {
    pool.apply(slowStart(), weighted("a:80", 10), backend("b:80", 10, BackendState.DRAINING));
    assertThat(pool.weights()).containsOnlyKeys("a:80");

    pool.apply(slowStart(), weighted("a:80", 10), weighted("b:80", 10));

    assertThat(pool.weights()).containsExactly(Map.entry("a:80", 100), Map.entry("b:80", 10));
  }

  @Test
  void thePickerIsRebuiltEveryTenthOfTheWindowWhileRampingAndThenNoMore() {
    pool.apply(slowStart(), weighted("a:80", 10));
    pool.apply(slowStart(), weighted("a:80", 10), weighted("b:80", 10));

    for (int step = 1; step <= 10; step++) {
      pool.advance(WINDOW.dividedBy(10));
      assertThat(pool.rebuilds).hasValue(step);
    }
    pool.advance(WINDOW);

    assertThat(pool.rebuilds).hasValue(10);
    assertThat(pool.clock.pending()).as("no ramp timer left").isZero();
  }

  /** How often each backend comes up in {@code picks} of a WRR picker built now. */
  private Map<String, Integer> cycleCounts(int picks) {
    return cycleCounts(Algorithm.WEIGHTED_ROUND_ROBIN, picks);
  }

  private Map<String, Integer> cycleCounts(Algorithm algorithm, int picks) {
    List<Upstream> upstreams = pool.health.select().upstreams();
    Picker picker = Pickers.create(algorithm, upstreams, 65537);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(picker.pick(null).config().address(), 1, Integer::sum);
    }
    return counts;
  }

  private static dev.weir.api.v1.Backend weighted(String address, int weight) {
    return backend(address, weight, BackendState.ACTIVE);
  }
}
