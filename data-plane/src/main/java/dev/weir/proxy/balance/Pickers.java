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
      // Weighted, as HAProxy's, NGINX's and Envoy's round robin are; WEIGHTED_ROUND_ROBIN is the
      // name it had while ROUND_ROBIN ignored weights, kept so configs naming it stay valid.
      case ROUND_ROBIN, WEIGHTED_ROUND_ROBIN -> roundRobin(upstreams);
      case LEAST_CONNECTIONS -> new LeastConnectionsPicker(upstreams);
      case P2C -> new PowerOfTwoChoicesPicker(upstreams);
      case MAGLEV -> new MaglevPicker(upstreams, maglevTableSize);
      default -> throw new IllegalArgumentException("unsupported algorithm " + algorithm);
    };
  }

  /**
   * Smooth weighted round robin, which with equal weights (the usual case) is each backend in turn:
   * that needs no cycle array.
   */
  private static Picker roundRobin(List<Upstream> upstreams) {
    for (Upstream u : upstreams) {
      if (u.weight() != upstreams.get(0).weight()) {
        return new SmoothWeightedRoundRobinPicker(upstreams);
      }
    }
    return new RoundRobinPicker(upstreams);
  }
}
