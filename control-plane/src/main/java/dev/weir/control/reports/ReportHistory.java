package dev.weir.control.reports;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.fleet.FleetListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each connected proxy's latest stats report, with the rates that follow from the one before it.
 *
 * <p>Counters in a report are cumulative since the proxy started, so a rate is the difference of
 * two consecutive reports over the time between them. A new stream starts the proxy afresh (it may
 * be a restarted proxy whose counters began again at zero), and a counter that went down is a reset
 * too: that backend gets no rate from that pair of reports rather than a negative one.
 */
public final class ReportHistory implements FleetListener {
  private final Clock clock;
  private final ConcurrentMap<String, Latest> byProxy = new ConcurrentHashMap<>();

  /**
   * @param at when the report was taken: the proxy's own timestamp, or its arrival when it has none
   *     (so rates compare times from one clock)
   * @param stamped whether {@code at} is the proxy's timestamp
   */
  private record Latest(
      StatsReport report, Instant at, boolean stamped, Map<BackendKey, Rate> rates) {}

  public ReportHistory(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void proxyConnected(String proxyId) {
    byProxy.remove(proxyId);
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    byProxy.remove(proxyId);
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    Instant arrived = clock.instant();
    // One proxy's reports arrive one at a time, on its stream; compute keeps even a stray
    // report of a replaced stream from interleaving with the new stream's.
    byProxy.compute(proxyId, (id, previous) -> next(previous, report, arrived));
  }

  /** The latest report of every connected proxy that has sent one, by proxy id. */
  public Map<String, StatsReport> latestReports() {
    Map<String, StatsReport> reports = new HashMap<>();
    byProxy.forEach((id, latest) -> reports.put(id, latest.report()));
    return reports;
  }

  /** The backend's rates summed over the connected proxies; zero where none has two reports. */
  public Rate rate(String pool, String address) {
    BackendKey key = new BackendKey(pool, address);
    Rate sum = Rate.ZERO;
    for (Latest latest : byProxy.values()) {
      Rate rate = latest.rates().get(key);
      if (rate != null) {
        sum = sum.plus(rate);
      }
    }
    return sum;
  }

  private static Latest next(Latest previous, StatsReport report, Instant arrived) {
    boolean stamped = report.hasTime();
    Instant at = stamped ? instant(report.getTime()) : arrived;
    if (previous == null || previous.stamped() != stamped) {
      return new Latest(report, at, stamped, Map.of());
    }
    Duration between = Duration.between(previous.at(), at);
    if (between.isNegative() || between.isZero()) {
      // Out of order or a repeat: keep the rates we had.
      return new Latest(report, at, stamped, previous.rates());
    }
    return new Latest(report, at, stamped, rates(previous.report(), report, seconds(between)));
  }

  private static Map<BackendKey, Rate> rates(
      StatsReport before, StatsReport after, double seconds) {
    Map<BackendKey, BackendStats> earlier = new HashMap<>();
    for (BackendStats stats : before.getBackendsList()) {
      earlier.put(BackendKey.of(stats), stats);
    }
    Map<BackendKey, Rate> rates = new HashMap<>();
    for (BackendStats stats : after.getBackendsList()) {
      BackendKey key = BackendKey.of(stats);
      // A backend new to the proxy since the last report started its counters at zero.
      BackendStats was = earlier.getOrDefault(key, BackendStats.getDefaultInstance());
      long connections = stats.getTotalConnections() - was.getTotalConnections();
      long failures = stats.getConnectFailures() - was.getConnectFailures();
      if (connections < 0 || failures < 0) {
        continue;
      }
      rates.put(key, new Rate(connections / seconds, failures / seconds));
    }
    return rates;
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
