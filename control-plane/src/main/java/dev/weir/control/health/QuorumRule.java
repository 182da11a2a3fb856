package dev.weir.control.health;

import dev.weir.api.v1.FleetHealth;

/**
 * A backend is unhealthy fleet-wide when at least the pool's quorum percent of the proxies with a
 * verdict on it say so. Proxies that know nothing yet (UNKNOWN) are not counted either way, so a
 * backend none has judged is FLEET_UNKNOWN, and one partitioned proxy among three cannot condemn a
 * backend the other two reach.
 */
final class QuorumRule {
  /** {@code health_quorum_percent} when the pool does not set it. */
  static final int DEFAULT_QUORUM_PERCENT = 50;

  private QuorumRule() {}

  /**
   * @param healthy proxies that see the backend healthy
   * @param unhealthy proxies that see it unhealthy or have ejected it
   * @param quorumPercent the pool's setting, 0 for the default
   */
  static FleetHealth verdict(int healthy, int unhealthy, int quorumPercent) {
    int judging = healthy + unhealthy;
    if (judging == 0) {
      return FleetHealth.FLEET_UNKNOWN;
    }
    // Integer arithmetic: "at least 50% of 5" is 3, not 2.5 rounded either way.
    return (long) unhealthy * 100 >= (long) effective(quorumPercent) * judging
        ? FleetHealth.FLEET_UNHEALTHY
        : FleetHealth.FLEET_HEALTHY;
  }

  /** The setting as it applies: the default for 0, at most 100 for a value past the range. */
  static int effective(int quorumPercent) {
    if (quorumPercent == 0) {
      return DEFAULT_QUORUM_PERCENT;
    }
    return Integer.compareUnsigned(quorumPercent, 100) > 0 ? 100 : quorumPercent;
  }
}
