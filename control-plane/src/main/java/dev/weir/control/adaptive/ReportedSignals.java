package dev.weir.control.adaptive;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.reports.Rate;
import dev.weir.control.reports.ReportHistory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The signals from the connected proxies' latest reports and the rates between reports. */
final class ReportedSignals implements FleetSignals {
  private final ReportHistory reports;

  ReportedSignals(ReportHistory reports) {
    this.reports = reports;
  }

  private static final class Sums {
    long active;
    double p99Total;
    int p99Count;
  }

  @Override
  public List<BackendSignals> of(Pool pool) {
    Map<String, Sums> byAddress = new HashMap<>();
    for (StatsReport report : reports.latestReports().values()) {
      for (BackendStats stats : report.getBackendsList()) {
        if (!stats.getPool().equals(pool.getName())) {
          continue;
        }
        Sums sums = byAddress.computeIfAbsent(stats.getAddress(), a -> new Sums());
        sums.active += stats.getActiveConnections();
        // A proxy without connects in its interval reports 0: no figure rather than a fast one.
        if (stats.getConnectLatencyP99Us() > 0) {
          sums.p99Total += stats.getConnectLatencyP99Us();
          sums.p99Count++;
        }
      }
    }
    List<BackendSignals> signals = new ArrayList<>();
    for (Backend backend : pool.getBackendsList()) {
      if (backend.getState() != BackendState.ACTIVE) {
        continue;
      }
      Sums sums = byAddress.get(backend.getAddress());
      Rate rate = reports.rate(pool.getName(), backend.getAddress());
      int weight = Math.max(1, backend.getWeight());
      signals.add(
          new BackendSignals(
              backend.getAddress(),
              weight,
              sums == null || sums.p99Count == 0 ? 0 : sums.p99Total / sums.p99Count,
              rate.failureRatio(),
              sums == null ? 0 : (double) sums.active / weight,
              sums != null));
    }
    return signals;
  }
}
