package dev.weir.proxy.balance;

import dev.weir.api.v1.Algorithm;
import java.util.List;

/** Builds the picker for a pool's algorithm. */
public final class Pickers {

  private Pickers() {}

  /**
   * @param upstreams the backends that take new connections, in config order
   * @param maglevTableSize used by {@link Algorithm#MAGLEV} only: a prime at least the number of
   *     upstreams
   */
  public static Picker create(Algorithm algorithm, List<Upstream> upstreams, int maglevTableSize) {
    return switch (algorithm) {
      case ROUND_ROBIN -> new RoundRobinPicker(upstreams);
      case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedRoundRobinPicker(upstreams);
      case LEAST_CONNECTIONS -> new LeastConnectionsPicker(upstreams);
      case P2C -> new PowerOfTwoChoicesPicker(upstreams);
      case MAGLEV -> new MaglevPicker(upstreams, maglevTableSize);
      default -> throw new IllegalArgumentException("unsupported algorithm " + algorithm);
    };
  }
}
