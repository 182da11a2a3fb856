package dev.weir.control.fleet;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.StatsReport;
import java.util.HashSet;
import java.util.Set;

/**
 * Keeps the parts of a stats report the fleet view can trust. A report never names its proxy (the
 * stream's Hello does), so a proxy can only misreport itself; what it misreports is dropped entry
 * by entry, and the rest of its report still counts:
 *
 * <ul>
 *   <li>entries for pools the configuration does not have;
 *   <li>a second entry for the same pool and backend (or pool listener);
 *   <li>entries with a counter of 2^63 or more, which no real proxy reaches and which, read as a
 *       Java long, would turn sums over the fleet negative (or, two of them, back to zero).
 * </ul>
 */
final class ReportFilter {
  private final StatsReport kept;
  private final int dropped;
  private final String firstReason;

  private ReportFilter(StatsReport kept, int dropped, String firstReason) {
    this.kept = kept;
    this.dropped = dropped;
    this.firstReason = firstReason;
  }

  static ReportFilter filter(StatsReport report, Set<String> knownPools) {
    StatsReport.Builder kept = report.toBuilder().clearBackends().clearListeners();
    Set<String> seen = new HashSet<>();
    int dropped = 0;
    String firstReason = null;
    for (BackendStats backend : report.getBackendsList()) {
      if (!knownPools.contains(backend.getPool())) {
        // A pool deleted while the report was on its way: normal, not a lie.
        continue;
      }
      String where = "backend " + printable(backend.getAddress()) + " of pool " + backend.getPool();
      String reason =
          !seen.add(backend.getPool() + "\0" + backend.getAddress())
              ? where + " is listed twice"
              : absurd(backend) ? where + " has a counter of 2^63 or more" : null;
      if (reason != null) {
        dropped++;
        firstReason = firstReason == null ? reason : firstReason;
        continue;
      }
      kept.addBackends(backend);
    }
    Set<String> listeners = new HashSet<>();
    for (ListenerStats listener : report.getListenersList()) {
      if (!knownPools.contains(listener.getPool())) {
        continue;
      }
      String reason =
          !listeners.add(listener.getPool())
              ? "listener of pool " + listener.getPool() + " is listed twice"
              : absurd(listener)
                  ? "listener of pool " + listener.getPool() + " has a counter of 2^63 or more"
                  : null;
      if (reason != null) {
        dropped++;
        firstReason = firstReason == null ? reason : firstReason;
        continue;
      }
      kept.addListeners(listener);
    }
    return new ReportFilter(kept.build(), dropped, firstReason);
  }

  StatsReport kept() {
    return kept;
  }

  /** Entries dropped as untrustworthy (not those of deleted pools). */
  int dropped() {
    return dropped;
  }

  /** Why the first dropped entry was dropped; null if none was. */
  String firstReason() {
    return firstReason;
  }

  /** The proxy's text, cut short and without control characters, which could forge log lines. */
  private static String printable(String text) {
    String cut = text.length() > 300 ? text.substring(0, 300) + "..." : text;
    return cut.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }

  private static boolean absurd(BackendStats s) {
    return (s.getActiveConnections()
            | s.getTotalConnections()
            | s.getConnectFailures()
            | s.getBytesToBackend()
            | s.getBytesToClient()
            | s.getRefusedConnections()
            | s.getConnectLatencyP50Us()
            | s.getConnectLatencyP99Us()
            | s.getDrainClosedConnections()
            | s.getUnansweredConnections())
        < 0;
  }

  private static boolean absurd(ListenerStats s) {
    return (s.getAcceptedConnections()
            | s.getRefusedConnections()
            | s.getNoBackendConnections()
            | s.getActiveConnections())
        < 0;
  }
}
