package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

class RoundRobinPickerTest {

  private ExecutorService pool;

  @AfterEach
  void stopThreads() throws InterruptedException {
    if (pool != null) {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void everyCycleOfNPicksGivesEachBackendExactlyOnePick() {
    List<Upstream> upstreams = Upstreams.weighted(7, 1, 3, 1);
    Picker picker = new RoundRobinPicker(upstreams);

    for (int cycle = 0; cycle < 25; cycle++) {
      List<Upstream> picks = new ArrayList<>();
      for (int i = 0; i < upstreams.size(); i++) {
        picks.add(picker.pick(null));
      }
      assertThat(picks).as("cycle %d", cycle).containsExactlyInAnyOrderElementsOf(upstreams);
    }
  }

  @Test
  void picksFollowConfigOrderFromARandomStart() {
    List<Upstream> upstreams = Upstreams.weighted(1, 1, 1, 1, 1);
    Picker picker = new RoundRobinPicker(upstreams);

    int start = upstreams.indexOf(picker.pick(null));
    for (int i = 1; i < 12; i++) {
      assertThat(picker.pick(null)).isSameAs(upstreams.get((start + i) % upstreams.size()));
    }
  }

  @Test
  void anEmptyPoolPicksNothing() {
    Picker picker = new RoundRobinPicker(List.of());

    assertThat(picker.pick(null)).isNull();
    assertThat(picker.candidates()).isEmpty();
  }

  @Test
  void candidatesAreEveryBackendInConfigOrder() {
    List<Upstream> upstreams = Upstreams.weighted(1, 2, 3);

    assertThat(new RoundRobinPicker(upstreams).candidates()).containsExactlyElementsOf(upstreams);
  }

  @Test
  void concurrentPicksOverWholeCyclesKeepExactCounts() throws Exception {
    List<Upstream> upstreams = Upstreams.weighted(1, 1, 1, 1, 1, 1, 1);
    Picker picker = new RoundRobinPicker(upstreams);
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
            for (int i = 0; i < cyclesPerThread * upstreams.size(); i++) {
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

    assertThat(counts).hasSize(upstreams.size());
    counts.values().forEach(c -> assertThat(c.sum()).isEqualTo((long) threads * cyclesPerThread));
  }
}
