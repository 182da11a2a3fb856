package dev.weir.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReconnectBackoffTest {

  private static final Duration INITIAL = Duration.ofMillis(100);
  private static final Duration MAX = Duration.ofSeconds(1);
  private static final double ALMOST_ONE = Math.nextDown(1.0);

  @Test
  void theLowestDrawIsHalfTheCeilingWhichDoublesUpToTheCap() {
    ReconnectBackoff backoff = new ReconnectBackoff(INITIAL, MAX, () -> 0.0);

    assertThat(delaysInMillis(backoff, 7)).containsExactly(50L, 100L, 200L, 400L, 500L, 500L, 500L);
  }

  @Test
  void theHighestDrawIsJustUnderTheCeiling() {
    ReconnectBackoff backoff = new ReconnectBackoff(INITIAL, MAX, () -> ALMOST_ONE);

    List<Duration> delays = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      delays.add(backoff.nextDelay());
    }

    long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
    for (int i = 0; i < ceilings.length; i++) {
      Duration ceiling = Duration.ofMillis(ceilings[i]);
      assertThat(delays.get(i))
          .as("delay %d", i)
          .isLessThanOrEqualTo(ceiling)
          .isGreaterThan(ceiling.multipliedBy(99).dividedBy(100));
    }
  }

  @Test
  void everyDelayLiesBetweenHalfTheCeilingAndTheCeiling() {
    Random random = new Random(3);
    ReconnectBackoff backoff = new ReconnectBackoff(INITIAL, MAX, random::nextDouble);

    long ceiling = 100;
    for (int i = 0; i < 50; i++) {
      Duration d = backoff.nextDelay();
      assertThat(d.toMillis()).as("delay %d", i).isBetween(ceiling / 2, ceiling);
      ceiling = Math.min(1000, ceiling * 2);
    }
  }

  @Test
  void resetStartsOverFromTheInitialDelay() {
    ReconnectBackoff backoff = new ReconnectBackoff(INITIAL, MAX, () -> 0.0);
    delaysInMillis(backoff, 5);

    backoff.reset();

    assertThat(delaysInMillis(backoff, 3)).containsExactly(50L, 100L, 200L);
  }

  private static List<Long> delaysInMillis(ReconnectBackoff backoff, int n) {
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      delays.add(backoff.nextDelay().toMillis());
    }
    return delays;
  }
}
