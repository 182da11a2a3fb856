package dev.weir.control.drain;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.DrainStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One draining backend's progress across the fleet. A proxy has settled the drain once its latest
 * report shows the backend DRAINING with no connection open (or does not list the backend at all:
 * it never had it); a report from before the proxy learned of the drain settles nothing, however
 * few connections it shows.
 *
 * <p>Not thread-safe; {@link DrainTracker} serializes calls.
 */
final class BackendDrain {
  private final Instant startedAt;
  private Timestamp deadline;
  // Of connected proxies only.
  private final Map<String, Long> remainingByProxy = new HashMap<>();
  private final Set<String> settled = new HashSet<>();
  private long remaining;
  // Of every proxy seen during the drain, connected or not: cuts stay cut.
  private final Map<String, CutCounter> cuts = new HashMap<>();
  private DrainStatus published;

  /**
   * @param baselines each connected proxy's drain-closed count for the backend when the drain
   *     started, from its latest report
   */
  BackendDrain(Instant startedAt, Timestamp deadline, Map<String, Long> baselines) {
    this.startedAt = startedAt;
    this.deadline = deadline;
    baselines.forEach((proxy, count) -> cuts.put(proxy, new CutCounter(count)));
  }

  /** The deadline the stored config carries now; null for none. */
  void deadline(Timestamp next) {
    deadline = next;
  }

  /**
   * Takes a proxy's latest report on the backend.
   *
   * @param stats null when the report does not list the backend
   */
  void observe(String proxyId, BackendStats stats) {
    long active = stats == null ? 0 : stats.getActiveConnections();
    Long before = remainingByProxy.put(proxyId, active);
    remaining += active - (before == null ? 0 : before);
    if (stats == null || (stats.getDraining() && active == 0)) {
      settled.add(proxyId);
    } else {
      settled.remove(proxyId);
    }
    if (stats != null) {
      // A proxy first seen after the drain started counts its cuts from zero.
      cuts.computeIfAbsent(proxyId, p -> new CutCounter(0))
          .observe(stats.getDrainClosedConnections());
    }
  }

  /** The proxy's stream ended: what it holds is no longer known, and no longer waited for. */
  void forget(String proxyId) {
    Long before = remainingByProxy.remove(proxyId);
    if (before != null) {
      remaining -= before;
    }
    settled.remove(proxyId);
  }

  /**
   * @param connectedProxies how many proxies have a stream open; the drain is over when every one
   *     of them has settled it, or at the deadline
   * @param unaccounted control-plane replicas whose proxies cannot be counted: while there are any,
   *     only the deadline ends the drain
   */
  DrainStatus status(Instant now, int connectedProxies, List<String> unaccounted) {
    boolean everywhere =
        settled.size() >= connectedProxies && remaining == 0 && unaccounted.isEmpty();
    boolean pastDeadline =
        deadline != null
            && !now.isBefore(Instant.ofEpochSecond(deadline.getSeconds(), deadline.getNanos()));
    DrainStatus.Builder status =
        DrainStatus.newBuilder()
            .setState(
                everywhere || pastDeadline ? DrainStatus.State.DRAINED : DrainStatus.State.DRAINING)
            .setRemainingConnections(remaining)
            .setStartedAt(
                Timestamp.newBuilder()
                    .setSeconds(startedAt.getEpochSecond())
                    .setNanos(startedAt.getNano()))
            .setCutConnections(cut())
            .addAllUnaccountedReplicas(unaccounted);
    if (deadline != null) {
      status.setDeadline(deadline);
    }
    return status.build();
  }

  /** The state last published; null before the first. */
  DrainStatus.State publishedState() {
    return published == null ? null : published.getState();
  }

  /** Whether {@code status} differs from what was last published, remembering it if so. */
  boolean changedSincePublished(DrainStatus status) {
    if (status.equals(published)) {
      return false;
    }
    published = status;
    return true;
  }

  private long cut() {
    long sum = 0;
    for (CutCounter counter : cuts.values()) {
      sum += counter.cut();
    }
    return sum;
  }
}
