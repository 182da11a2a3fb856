package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinPickerTest {

  private ExecutorService pool;

  @AfterEach
  void stopThreads() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void weightsFiveOneOneGiveTheNginxOrder() {
    Picker picker = new SmoothWeightedRoundRobinPicker(Upstreams.weighted(5, 1, 1));

    String cycle = names(picker, 7);

    // The start is random, so any rotation of NGINX's cycle is right, and nothing else is.
    assertThat("aabacaa".repeat(2)).contains(cycle);
  }

  @Test
  void theCycleItselfIsExactlyNginxsFromTheStart() {
    Upstream[] upstreams = Upstreams.weighted(5, 1, 1).toArray(new Upstream[0]);

    assertThat(SmoothWeightedRoundRobinPicker.cycle(upstreams))
        .containsExactly(0, 0, 1, 0, 2, 0, 0);
  }

  @Test
  void consecutiveCyclesRepeatTheSameOrder() {
    Picker picker = new SmoothWeightedRoundRobinPicker(Upstreams.weighted(5, 1, 1));

    String first = names(picker, 7);
    for (int k = 0; k < 10; k++) {
      assertThat(names(picker, 7)).isEqualTo(first);
    }
  }

  @Test
  void kCyclesGiveEachBackendExactlyWeightTimesKPicks() {
    int[] weights = {5, 1, 1};
    Picker picker = new SmoothWeightedRoundRobinPicker(Upstreams.weighted(weights));
    int k = 13;

    Map<String, Integer> counts = count(picker, 7 * k);

    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 5 * k, "b", k, "c", k));
  }

  @Test
  void weightsThreeTwoAlternateAndSplitThreeToTwo() {
    Picker picker = new SmoothWeightedRoundRobinPicker(Upstreams.weighted(3, 2));

    assertThat("ababa".repeat(2)).contains(names(picker, 5));
    assertThat(count(picker, 5 * 20)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 60, "b", 40));
  }

  @Test
  void weightsSharingAFactorBehaveLikeTheReducedWeights() {
    Upstream[] doubled = Upstreams.weighted(2, 4).toArray(new Upstream[0]);
    Upstream[] reduced = Upstreams.weighted(1, 2).toArray(new Upstream[0]);

    assertThat(SmoothWeightedRoundRobinPicker.cycle(doubled))
        .hasSize(3)
        .containsExactly(SmoothWeightedRoundRobinPicker.cycle(reduced));
    Picker picker = new SmoothWeightedRoundRobinPicker(Upstreams.weighted(2, 4));
    assertThat(count(picker, 3)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 1, "b", 2));
  }

  @Test
  void aThousandBackendsWithRandomWeightsAreHonouredExactlyOverACycle() {
    Random random = new Random(20240611);
    int[] weights = new int[1000];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = 1 + random.nextInt(1000);
      sum += weights[i];
    }
    List<Upstream> upstreams = Upstreams.weighted(weights);
    int gcd = 0;
    for (int w : weights) {
      gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(w)).intValue();
    }
    Picker picker = new SmoothWeightedRoundRobinPicker(upstreams);

    Map<Upstream, Integer> counts = new HashMap<>();
    for (long i = 0; i < sum / gcd; i++) {
      counts.merge(picker.pick(null), 1, Integer::sum);
    }

    assertThat(counts).hasSize(weights.length);
    for (int i = 0; i < weights.length; i++) {
      assertThat(counts.get(upstreams.get(i))).as("backend %d", i).isEqualTo(weights[i] / gcd);
    }
  }

  @Test
  void anEmptyPoolPicksNothing() {
    Picker picker = new SmoothWeightedRoundRobinPicker(List.of());

    assertThat(picker.pick(null)).isNull();
    assertThat(picker.candidates()).isEmpty();
  }

  @Test
  void aSingleBackendGetsEveryPick() {
    List<Upstream> upstreams = Upstreams.weighted(7);
    Picker picker = new SmoothWeightedRoundRobinPicker(upstreams);

    for (int i = 0; i < 20; i++) {
      assertThat(picker.pick(null)).isSameAs(upstreams.get(0));
    }
  }

  @Test
  void concurrentPicksOverWholeCyclesKeepExactCounts() throws Exception {
    int[] weights = {5, 3, 1, 1};
    List<Upstream> upstreams = Upstreams.weighted(weights);
    Picker picker = new SmoothWeightedRoundRobinPicker(upstreams);
    int threads = 4;
    int cyclesPerThread = 5_000;
    Map<Upstream, LongAdder> counts = new ConcurrentHashMap<>();
    pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Callable<Void> picking =
          () -> {
            start.await();
            for (int i = 0; i < cyclesPerThread * 10; i++) {
              counts.computeIfAbsent(picker.pick(null), u -> new LongAdder()).increment();
            }
            return null;
          };
      done.add(pool.submit(picking));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }

    for (int i = 0; i < weights.length; i++) {
      assertThat(counts.get(upstreams.get(i)).sum())
          .as("backend %d", i)
          .isEqualTo((long) weights[i] * threads * cyclesPerThread);
    }
  }

  private static String names(Picker picker, int picks) {
    StringBuilder order = new StringBuilder();
    for (int i = 0; i < picks; i++) {
      order.append(Upstreams.name(picker.pick(null)));
    }
    return order.toString();
  }

  private static Map<String, Integer> count(Picker picker, int picks) {
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(Upstreams.name(picker.pick(null)), 1, Integer::sum);
    }
    return counts;
  }
}
