package dev.weir.control.admin;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.StatsReport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sums the fleet's stats reports over a pool's configured backends. */
final class PoolStatusAggregator {
  private PoolStatusAggregator() {}

  /**
   * One status per configured backend, in the pool's order. Report entries for other pools or
   * for backends no longer configured are left out.
   */
  static PoolStatus aggregate(Pool pool, long configVersion, List<StatsReport> reports) {
    Map<String, BackendStatus.Builder> byAddress = new LinkedHashMap<>();
    for (Backend backend : pool.getBackendsList()) {
      byAddress.put(backend.getAddress(), BackendStatus.newBuilder()
          .setAddress(backend.getAddress())
          .setWeight(backend.getWeight())
          .setState(backend.getState()));
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
    PoolStatus.Builder result = PoolStatus.newBuilder()
        .setPool(pool)
        .setConfigVersion(configVersion);
    byAddress.values().forEach(result::addBackends);
    return result.build();
  }

  private static void add(BackendStatus.Builder status, BackendStats stats) {
    status.setActiveConnections(status.getActiveConnections() + stats.getActiveConnections())
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
