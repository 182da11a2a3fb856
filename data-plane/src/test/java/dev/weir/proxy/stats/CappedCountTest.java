package dev.weir.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class CappedCountTest {

  @Test
  void takesUpToTheLimitThenCountsRefusals() {
    CappedCount count = new CappedCount();

    assertThat(count.tryTake(2)).isTrue();
    assertThat(count.tryTake(2)).isTrue();
    assertThat(count.tryTake(2)).isFalse();

    assertThat(count.open()).isEqualTo(2);
    assertThat(count.refused()).isEqualTo(1);
  }

  @Test
  void aReleasedPlaceCanBeTakenAgain() {
    CappedCount count = new CappedCount();
    count.tryTake(1);

    count.release();

    assertThat(count.tryTake(1)).isTrue();
    assertThat(count.refused()).isZero();
  }

  @Test
  void aLimitOfZeroMeansNoCap() {
    CappedCount count = new CappedCount();

    for (int i = 0; i < 1000; i++) {
      assertThat(count.tryTake(0)).isTrue();
    }
    assertThat(count.open()).isEqualTo(1000);
  }

  @Test
  void aRefusalForAnotherReasonIsCountedWithoutTakingAPlace() {
    CappedCount count = new CappedCount();

    count.refuse();

    assertThat(count.refused()).isEqualTo(1);
    assertThat(count.open()).isZero();
  }

  @Test
  void threadsRacingForTheLastPlacesNeverTakeMoreThanTheLimit() throws Exception {
    CappedCount count = new CappedCount();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Callable<Integer>> racers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        racers.add(
            () -> {
              int taken = 0;
              for (int i = 0; i < 10_000; i++) {
                taken += count.tryTake(100) ? 1 : 0;
              }
              return taken;
            });
      }
      int taken = 0;
      for (Future<Integer> racer : threads.invokeAll(racers)) {
        taken += racer.get();
      }

      assertThat(taken).isEqualTo(100);
      assertThat(count.open()).isEqualTo(100);
      assertThat(count.refused()).isEqualTo(40_000 - 100);
    } finally {
      threads.shutdownNow();
    }
  }
}
