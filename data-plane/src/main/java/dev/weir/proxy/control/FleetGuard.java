package dev.weir.proxy.control;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.NackKind;
import java.util.Optional;

/**
 * Whether a snapshot the control plane offers may replace the config in force. A control plane that
 * lost its store (started on an empty data dir, say) offers version 0 with no pools; one restored
 * from an older backup offers an older version. Applying either would close listeners or roll the
 * fleet back, so the proxy refuses both and keeps serving until an operator adopts the fleet (which
 * sends the proxy's own fleet id at a version above its own).
 *
 * <p>A proxy with no config in force takes any snapshot, and a config without a fleet id (from a
 * control plane older than fleet ids) takes any fleet, so upgrades need no adoption.
 */
final class FleetGuard {
  private FleetGuard() {}

  /** Why the proxy refuses a snapshot: the kind for machines, the reason for people. */
  record Refusal(NackKind kind, String reason) {}

  /**
   * @param servedVersion the version in force; 0 when none is
   * @param servedFleet the fleet id of the config in force; empty when it has none
   * @return the refusal, or empty when the snapshot may be applied
   */
  static Optional<Refusal> check(ConfigSnapshot offered, long servedVersion, String servedFleet) {
    if (servedVersion == 0) {
      return Optional.empty();
    }
    String offeredFleet = offered.getFleetId();
    if (!servedFleet.isEmpty() && !offeredFleet.isEmpty() && !servedFleet.equals(offeredFleet)) {
      return Optional.of(
          new Refusal(
              NackKind.OTHER_FLEET,
              String.format(
                  "refused config version %d of fleet %s: this proxy serves version %d of fleet %s; a "
                      + "control plane with another store cannot take over a fleet until an operator "
                      + "adopts it (weirctl fleet adopt)",
                  offered.getVersion(), offeredFleet, servedVersion, servedFleet)));
    }
    if (offered.getVersion() < servedVersion) {
      return Optional.of(
          new Refusal(
              NackKind.OLDER_VERSION,
              String.format(
                  "refused config version %d of fleet %s: this proxy serves the newer version %d; a "
                      + "control plane restored from an older backup cannot roll the fleet back until "
                      + "an operator adopts it (weirctl fleet adopt)",
                  offered.getVersion(), describe(offeredFleet), servedVersion)));
    }
    return Optional.empty();
  }

  private static String describe(String fleetId) {
    return fleetId.isEmpty() ? "(none)" : fleetId;
  }
}
