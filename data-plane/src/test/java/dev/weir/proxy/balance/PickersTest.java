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
  void roundRobinIgnoresWeights() {
    List<Upstream> upstreams = Upstreams.weighted(9, 1);
    Picker picker = Pickers.create(Algorithm.ROUND_ROBIN, upstreams, 65537);

    Map<Upstream, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      counts.merge(picker.pick(null), 1, Integer::sum);
    }

    assertThat(counts).containsEntry(upstreams.get(0), 5).containsEntry(upstreams.get(1), 5);
  }

  @Test
  void weightedRoundRobinFollowsWeights() {
    List<Upstream> upstreams = Upstreams.weighted(9, 1);
    Picker picker = Pickers.create(Algorithm.WEIGHTED_ROUND_ROBIN, upstreams, 65537);

    Map<Upstream, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      counts.merge(picker.pick(null), 1, Integer::sum);
    }

    assertThat(counts).containsEntry(upstreams.get(0), 9).containsEntry(upstreams.get(1), 1);
  }

  @Test
  void anUnknownAlgorithmIsRefused() {
    assertThatThrownBy(() -> Pickers.create(Algorithm.ALGORITHM_UNSPECIFIED, List.of(), 65537))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ALGORITHM_UNSPECIFIED");
  }
}
