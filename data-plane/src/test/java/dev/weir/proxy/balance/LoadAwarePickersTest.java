package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** least-connections and P2C: they follow active connections, and weights when idle. */
class LoadAwarePickersTest {

  @Test
  void leastConnectionsPicksTheBackendWithFewestConnectionsPerWeight() {
    List<Upstream> ups = Upstreams.weighted(1, 2, 1);
    hold(ups.get(0), 3); // 3 per weight
    hold(ups.get(1), 4); // 2 per weight
    hold(ups.get(2), 1); // 1 per weight
    Picker picker = new LeastConnectionsPicker(ups);

    assertThat(Upstreams.name(picker.pick(null))).isEqualTo("c");
  }

  @Test
  void leastConnectionsFillsBackendsInProportionToWeightWhenConnectionsStayOpen() {
    List<Upstream> ups = Upstreams.weighted(1, 3);
    Picker picker = new LeastConnectionsPicker(ups);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      Upstream u = picker.pick(null);
      hold(u, 1); // every connection stays open
      counts.merge(Upstreams.name(u), 1, Integer::sum);
    }
    assertThat(counts.get("a")).isEqualTo(100);
    assertThat(counts.get("b")).isEqualTo(300);
  }

  @Test
  void leastConnectionsSpreadsTiesInsteadOfPilingOntoTheFirst() {
    List<Upstream> ups = Upstreams.weighted(1, 1, 1);
    Picker picker = new LeastConnectionsPicker(ups);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(Upstreams.name(picker.pick(null)), 1, Integer::sum); // closed at once
    }
    assertThat(counts)
        .containsOnlyKeys("a", "b", "c")
        .allSatisfy((k, v) -> assertThat(v).isEqualTo(100));
  }

  @Test
  void p2cWithIdleBackendsFollowsTheWeightsWithinTwoPercent() {
    List<Upstream> ups = Upstreams.weighted(1, 3);
    Picker picker = new PowerOfTwoChoicesPicker(ups);
    int n = 100_000;
    int a = 0;
    for (int i = 0; i < n; i++) {
      if (Upstreams.name(picker.pick(null)).equals("a")) {
        a++;
      }
    }
    // Both draws land on a with probability 1/16; otherwise a tie between a and b is a coin toss:
    // 1/16 + 2 * (1/4 * 3/4) * 1/2 = 0.25.
    assertThat((double) a / n).isCloseTo(0.25, within(0.02));
  }

  @Test
  void p2cSteersAwayFromALoadedBackend() {
    List<Upstream> ups = Upstreams.weighted(1, 1, 1, 1);
    hold(ups.get(0), 50);
    Picker picker = new PowerOfTwoChoicesPicker(ups);
    int loaded = 0;
    for (int i = 0; i < 10_000; i++) {
      if (picker.pick(null) == ups.get(0)) {
        loaded++;
      }
    }
    // Only when both draws are the loaded backend: 1/16 of picks.
    assertThat((double) loaded / 10_000).isCloseTo(1 / 16.0, within(0.015));
  }

  @Test
  void bothReturnNullWithNoBackends() {
    assertThat(new LeastConnectionsPicker(List.of()).pick(null)).isNull();
    assertThat(new PowerOfTwoChoicesPicker(List.of()).pick(null)).isNull();
  }

  private static void hold(Upstream u, int connections) {
    for (int i = 0; i < connections; i++) {
      u.counters().tryAcquire(0);
    }
  }
}
