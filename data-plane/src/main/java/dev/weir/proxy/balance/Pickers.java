package dev.weir.proxy.balance;

import dev.weir.api.v1.Algorithm;
import java.util.List;

/** Builds the picker for a pool's algorithm. */
public final class Pickers {

  private Pickers() {}

  /**
   * @param upstreams the backends that take new connections (not draining), in config order
   */
  public static Picker create(Algorithm algorithm, List<Upstream> upstreams) {
    return switch (algorithm) {
      case ROUND_ROBIN -> new RoundRobinPicker(upstreams);
      case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedRoundRobinPicker(upstreams);
      default -> throw new IllegalArgumentException("unsupported algorithm " + algorithm);
    };
  }
}
