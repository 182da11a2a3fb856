package dev.weir.control.admin;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.health.FleetHealthTracker;
import dev.weir.control.reports.Rate;
import dev.weir.control.view.FleetView;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums the fleet's stats reports over a pool's configured backends, and adds what the fleet-wide
 * view makes of them: rates, health by quorum, drain progress.
 */
final class PoolStatusAggregator {
  private PoolStatusAggregator() {}

  /**
   * One status per configured backend, in the pool's order. Report entries for other pools or for
   * backends no longer configured are left out.
   */
  static PoolStatus aggregate(
      Pool pool, long configVersion, List<StatsReport> reports, FleetView view) {
    Map<String, BackendStatus.Builder> byAddress = new LinkedHashMap<>();
    for (Backend backend : pool.getBackendsList()) {
      byAddress.put(backend.getAddress(), withView(pool.getName(), backend, view));
    }
    for (StatsReport report : reports) {
      for (BackendStats stats : report.getBackendsList()) {
        BackendStatus.Builder status = byAddress.get(stats.getAddress());
        if (status == null || !stats.getPool().equals(pool.getName())) {
          continue;
        }
        add(status, stats);
      }
    }
    PoolStatus.Builder result =
        PoolStatus.newBuilder().setPool(pool).setConfigVersion(configVersion);
    byAddress.values().forEach(result::addBackends);
    return result.build();
  }

  private static BackendStatus.Builder withView(String pool, Backend backend, FleetView view) {
    BackendStatus.Builder status =
        BackendStatus.newBuilder()
            .setAddress(backend.getAddress())
            .setWeight(backend.getWeight())
            .setState(backend.getState())
            .setEffectiveWeight(backend.getEffectiveWeight());
    FleetHealthTracker.Verdict verdict = view.health().verdict(pool, backend.getAddress());
    status.setFleetHealth(verdict.health());
    if (verdict.dampedUntil() != null) {
      status.setDampedUntil(
          Timestamp.newBuilder()
              .setSeconds(verdict.dampedUntil().getEpochSecond())
              .setNanos(verdict.dampedUntil().getNano()));
    }
    Rate rate = view.reports().rate(pool, backend.getAddress());
    return status
        .setConnectionRate(rate.connectionsPerSecond())
        .setFailureRate(rate.failuresPerSecond())
        .setDrain(view.drains().status(pool, backend));
  }

  private static void add(BackendStatus.Builder status, BackendStats stats) {
    status
        .setActiveConnections(status.getActiveConnections() + stats.getActiveConnections())
        .setTotalConnections(status.getTotalConnections() + stats.getTotalConnections())
        .setConnectFailures(status.getConnectFailures() + stats.getConnectFailures())
        .setBytesToBackend(status.getBytesToBackend() + stats.getBytesToBackend())
        .setBytesToClient(status.getBytesToClient() + stats.getBytesToClient())
        .setRefusedConnections(status.getRefusedConnections() + stats.getRefusedConnections())
        .setDrainClosedConnections(
            status.getDrainClosedConnections() + stats.getDrainClosedConnections())
        // The worst proxy's view; a proxy with no connects in its interval reports 0, which
        // max() passes over.
        .setConnectLatencyP50Us(
            unsignedMax(status.getConnectLatencyP50Us(), stats.getConnectLatencyP50Us()))
        .setConnectLatencyP99Us(
            unsignedMax(status.getConnectLatencyP99Us(), stats.getConnectLatencyP99Us()));
    switch (stats.getHealth()) {
      case HEALTHY -> status.setHealthyProxies(status.getHealthyProxies() + 1);
      case UNHEALTHY, EJECTED -> status.setUnhealthyProxies(status.getUnhealthyProxies() + 1);
      default -> {
        // UNKNOWN, unset or a value newer than this build: neither healthy nor unhealthy.
      }
    }
  }

  // The figures are uint64 on the wire.
  private static long unsignedMax(long a, long b) {
    return Long.compareUnsigned(a, b) >= 0 ? a : b;
  }
}
