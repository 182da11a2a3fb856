package dev.weir.cli.proxy;

import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.MissingReplica;
import dev.weir.cli.output.TerminalText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an answer about the whole fleet says about the control-plane replicas it covers, as every
 * command prints it: a replica name per proxy, and a line per missing replica naming the proxies
 * left out. A control plane older than replica links leaves the coverage unset, and one replica
 * alone has nothing missing: then nothing here prints, so the output reads as it always did.
 */
public final class ReplicaCoverage {

  // A replica of a large fleet may have served hundreds of proxies; -o json lists them all.
  private static final int PROXIES_NAMED = 5;

  private ReplicaCoverage() {}

  /**
   * Whether the answer spans more than one replica or names a missing one: only then does a REPLICA
   * column tell the reader anything.
   */
  public static boolean spansReplicas(FleetCoverage coverage) {
    return coverage.getReplicasCount() > 1 || coverage.getMissingCount() > 0;
  }

  /** The replica a proxy is connected to: its own field, else the replica that answered. */
  public static String replica(String replica, FleetCoverage coverage) {
    return replica.isEmpty() ? coverage.getAnsweredBy() : replica;
  }

  /** One line per missing replica, see {@link #line(MissingReplica)}; empty when none is. */
  public static String lines(List<MissingReplica> missing) {
    StringBuilder lines = new StringBuilder();
    missing.forEach(replica -> lines.append(line(replica)).append('\n'));
    return lines.toString();
  }

  /**
   * "replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: connection refused):
   * proxies pb, pc are not counted". The parts come from the control plane: escaped here, so a
   * reason cannot break the line in two.
   */
  public static String line(MissingReplica missing) {
    StringBuilder line = new StringBuilder("replica ").append(escape(missing.getReplicaId()));
    if (!missing.getAddress().isEmpty()) {
      line.append(" (").append(escape(missing.getAddress())).append(')');
    }
    line.append(" is missing");
    if (!missing.getReason().isEmpty()) {
      line.append(" (").append(escape(missing.getReason())).append(')');
    }
    return line.append(": ").append(notCounted(missing.getProxiesList())).toString();
  }

  /** The missing replicas of several answers, each once: the first answer naming one wins. */
  public static List<MissingReplica> missing(List<FleetCoverage> coverages) {
    Map<String, MissingReplica> missing = new LinkedHashMap<>();
    for (FleetCoverage coverage : coverages) {
      coverage.getMissingList().forEach(m -> missing.putIfAbsent(m.getReplicaId(), m));
    }
    return new ArrayList<>(missing.values());
  }

  /** "replica r3" or "replicas r2, r3". */
  public static String replicas(List<String> ids) {
    return (ids.size() == 1 ? "replica " : "replicas ") + escape(String.join(", ", ids));
  }

  private static String notCounted(List<String> proxies) {
    if (proxies.isEmpty()) {
      return "its proxies are not counted";
    }
    if (proxies.size() == 1) {
      return "proxy " + escape(proxies.get(0)) + " is not counted";
    }
    String named =
        escape(String.join(", ", proxies.subList(0, Math.min(PROXIES_NAMED, proxies.size()))));
    int more = proxies.size() - PROXIES_NAMED;
    return "proxies " + named + (more > 0 ? " and " + more + " more" : "") + " are not counted";
  }

  private static String escape(String text) {
    return TerminalText.escape(text);
  }
}
