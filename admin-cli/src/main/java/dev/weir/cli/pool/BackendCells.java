package dev.weir.cli.pool;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetHealth;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.RelativeAge;
import dev.weir.cli.proxy.ReplicaCoverage;
import java.time.Instant;
import java.util.List;

/**
 * How a backend's figures read in a table cell, shared by {@code pool show}, {@code status} and
 * {@code top} so one backend reads the same everywhere.
 */
public final class BackendCells {

  private BackendCells() {}

  /** The CLI name of an algorithm, as {@code --algorithm} takes it. */
  public static String algorithm(Algorithm algorithm) {
    return Algorithms.name(algorithm);
  }

  /** "active" or "draining". */
  public static String state(BackendStatus backend) {
    return BackendStates.name(backend.getState());
  }

  /** "3", or "3 (eff 2)" while adaptive weights have the proxies balance by another weight. */
  public static String weight(BackendStatus backend) {
    int effective = backend.getEffectiveWeight();
    return effective == 0 || effective == backend.getWeight()
        ? Integer.toUnsignedString(backend.getWeight())
        : backend.getWeight() + " (eff " + Integer.toUnsignedString(effective) + ")";
  }

  /**
   * Under a table with a damped backend: what "damped 24s left" means, which no one can guess (the
   * control plane's flap damping, docs/architecture.md).
   */
  public static final String DAMPED_LEGEND =
      "damped: its health flipped 3 times within 2m, so it counts as unhealthy (also for guards)\n"
          + "        for the time left, even if it recovers; each further flip doubles that, up "
          + "to 10m.";

  /**
   * The fleet's verdict, then "2/3": two of the three proxies that have a view of the backend see
   * it healthy, as kubectl prints READY. "unknown" alone while none has a view; a damped one says
   * for how long more, "damped 24s left 1/3".
   */
  public static String health(BackendStatus backend, Instant now) {
    String verdict = fleetHealth(backend.getFleetHealth());
    if (backend.getFleetHealth() == FleetHealth.FLEET_DAMPED && backend.hasDampedUntil()) {
      verdict +=
          " " + RelativeAge.between(now, ProtoTimes.instant(backend.getDampedUntil())) + " left";
    }
    long reporting = (long) backend.getHealthyProxies() + backend.getUnhealthyProxies();
    String count = reporting == 0 ? "" : backend.getHealthyProxies() + "/" + reporting;
    return (verdict + " " + count).strip();
  }

  /** The legend line for a table of {@code backends}: empty unless one of them is damped. */
  public static String legend(List<BackendStatus> backends) {
    return backends.stream().anyMatch(b -> b.getFleetHealth() == FleetHealth.FLEET_DAMPED)
        ? DAMPED_LEGEND + "\n"
        : "";
  }

  /**
   * "healthy", "unhealthy", "damped" or "unknown"; empty when unset (a control plane older than
   * this CLI) or newer than this CLI.
   */
  public static String fleetHealth(FleetHealth health) {
    return switch (health) {
      case FLEET_HEALTHY -> "healthy";
      case FLEET_UNHEALTHY -> "unhealthy";
      case FLEET_DAMPED -> "damped";
      case FLEET_UNKNOWN -> "unknown";
      default -> "";
    };
  }

  /**
   * "draining 12 left", "drained", "drained (3 cut)"; empty when not draining. While a replica's
   * proxies are not accounted for, the count leaves them out and the drain cannot be confirmed:
   * "draining 0 left, replica r3 unaccounted".
   */
  public static String drain(DrainStatus drain) {
    String progress =
        switch (drain.getState()) {
          case DRAINING -> "draining " + drain.getRemainingConnections() + " left";
          case DRAINED ->
              drain.getCutConnections() == 0
                  ? "drained"
                  : "drained (" + drain.getCutConnections() + " cut)";
          default -> "";
        };
    if (progress.isEmpty() || drain.getUnaccountedReplicasCount() == 0) {
      return progress;
    }
    return progress
        + ", "
        + ReplicaCoverage.replicas(drain.getUnaccountedReplicasList())
        + " unaccounted";
  }
}
