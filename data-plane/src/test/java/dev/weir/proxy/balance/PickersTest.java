package dev.weir.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.Algorithm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PickersTest {

  @Test
  void roundRobinSplitsByWeightThreeToOneOverFourHundredPicks() {
    List<Upstream> upstreams = Upstreams.weighted(3, 1);
    Picker picker = Pickers.create(Algorithm.ROUND_ROBIN, upstreams, 65537);

    assertThat(counts(picker, 400))
        .containsEntry(upstreams.get(0), 300)
        .containsEntry(upstreams.get(1), 100);
  }

  @Test
  void roundRobinWithEqualWeightsIsAPlainRotation() {
    List<Upstream> upstreams = Upstreams.weighted(4, 4, 4);

    assertThat(Pickers.create(Algorithm.ROUND_ROBIN, upstreams, 65537))
        .isInstanceOf(RoundRobinPicker.class);
  }

  @Test
  void weightedRoundRobinIsKeptAsANameForRoundRobin() {
    List<Upstream> upstreams = Upstreams.weighted(9, 1);
    Picker picker = Pickers.create(Algorithm.WEIGHTED_ROUND_ROBIN, upstreams, 65537);

    assertThat(counts(picker, 10))
        .containsEntry(upstreams.get(0), 9)
        .containsEntry(upstreams.get(1), 1);
  }

  private static Map<Upstream, Integer> counts(Picker picker, int picks) {
    Map<Upstream, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(picker.pick(null), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void anUnknownAlgorithmIsRefused() {
    assertThatThrownBy(() -> Pickers.create(Algorithm.ALGORITHM_UNSPECIFIED, List.of(), 65537))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALGORITHM_UNSPECIFIED");
  }
}
