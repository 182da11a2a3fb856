package dev.weir.control.adaptive;

import dev.weir.api.v1.Backend;

/**
 * Factors as the integer weights proxies balance by, and when a new one is worth a revision: each
 * costs a push to every proxy and a line in the history, so only a change of more than {@value
 * #CHANGE_THRESHOLD} of a backend's current effective weight makes one.
 */
final class EffectiveWeights {
  static final double CHANGE_THRESHOLD = 0.10;
  // The range proxies accept for weights, effective ones included.
  static final int MIN = 1;
  static final int MAX = 1000;

  private EffectiveWeights() {}

  static int of(int weight, double factor) {
    long rounded = Math.round(weight * factor);
    return (int) Math.max(MIN, Math.min(MAX, rounded));
  }

  /** What the backend is balanced by now. */
  static int current(Backend backend) {
    return backend.getEffectiveWeight() != 0 ? backend.getEffectiveWeight() : backend.getWeight();
  }

  /** The factor the backend's stored effective weight stands for; 1 when it has none. */
  static double factor(Backend backend) {
    return backend.getWeight() == 0 ? 1.0 : (double) current(backend) / backend.getWeight();
  }

  static boolean meaningful(int current, int next) {
    return Math.abs(next - current) > CHANGE_THRESHOLD * current;
  }

  /** As stored: 0 ("use weight") when it equals the configured weight. */
  static int stored(int weight, int effective) {
    return effective == weight ? 0 : effective;
  }
}
