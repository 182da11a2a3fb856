package dev.weir.control.testing;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.StatsReport;
import java.time.Instant;

/** Stats reports as proxies send them, built briefly. */
public final class StatsReports {
  private StatsReports() {}

  public static StatsReport report(BackendStats.Builder... backends) {
    StatsReport.Builder report = StatsReport.newBuilder().setConfigVersion(1);
    for (BackendStats.Builder backend : backends) {
      report.addBackends(backend);
    }
    return report.build();
  }

  /** A report the proxy took at {@code time}. */
  public static StatsReport report(Instant time, BackendStats.Builder... backends) {
    return report(backends).toBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(time.getEpochSecond()).setNanos(time.getNano()))
        .build();
  }

  public static BackendStats.Builder stats(String pool, String address) {
    return BackendStats.newBuilder().setPool(pool).setAddress(address);
  }

  public static BackendStats.Builder health(String pool, String address, BackendHealth health) {
    return stats(pool, address).setHealth(health);
  }
}
