package dev.weir.control.metrics;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.fleet.FleetListener;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.ha.Leadership;
import dev.weir.control.pool.ConfigListener;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.watch.FleetEventBus;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * The control plane's own metrics. Gauges (proxies connected, config version, watchers) are read
 * from the running parts at scrape time; counters and push-latency histograms are kept here,
 * updated as the fleet and the registry report events.
 */
public final class ControlPlaneMetrics implements MultiCollector {
  private final ProxyFleet fleet;
  private final PoolRegistry pools;
  private final FleetEventBus events;
  private final Leadership leadership;
  private final LongAdder revisions = new LongAdder();
  private final LongAdder reports = new LongAdder();
  private final LongAdder nacks = new LongAdder();
  private final LatencyHistogram fleetPushLatency = new LatencyHistogram();
  private final LatencyHistogram proxyPushLatency = new LatencyHistogram();

  private ControlPlaneMetrics(
      ProxyFleet fleet, PoolRegistry pools, FleetEventBus events, Leadership leadership) {
    this.leadership = leadership;
    this.fleet = fleet;
    this.pools = pools;
    this.events = events;
  }

  /** Starts counting what {@code fleet} and {@code pools} report from now on. */
  public static ControlPlaneMetrics attach(
      ProxyFleet fleet, PoolRegistry pools, FleetEventBus events) {
    return attach(fleet, pools, events, Leadership.ALWAYS);
  }

  /** As above, also exporting whether this control plane leads its replicas. */
  public static ControlPlaneMetrics attach(
      ProxyFleet fleet, PoolRegistry pools, FleetEventBus events, Leadership leadership) {
    ControlPlaneMetrics metrics = new ControlPlaneMetrics(fleet, pools, events, leadership);
    fleet.addListener(metrics.new Recorder());
    pools.addListener(metrics.new Recorder());
    return metrics;
  }

  /** Stats reports taken in from proxies since the control plane started. */
  public long statsReportsIngested() {
    return reports.sum();
  }

  @Override
  public MetricSnapshots collect() {
    return MetricSnapshots.builder()
        .metricSnapshot(
            gauge(
                "weir_control_proxies_connected",
                "Proxies with a stream to this control plane open.",
                fleet.connectedCount()))
        .metricSnapshot(
            gauge(
                "weir_control_fleet_proxies_connected",
                "Proxies with a stream open to this control plane or to a replica it follows, each "
                    + "counted once.",
                fleet.fleetConnectedCount()))
        .metricSnapshot(replicas())
        .metricSnapshot(
            gauge(
                "weir_control_config_version",
                "The newest configuration version.",
                pools.current().getVersion()))
        .metricSnapshot(
            gauge(
                "weir_control_leader",
                "1 while this control plane is the leader of its replicas (always, with the embedded "
                    + "store), else 0.",
                leadership.isLeader() ? 1 : 0))
        .metricSnapshot(
            counter(
                "weir_control_revisions_accepted",
                "Configuration changes committed since the control plane started.",
                revisions))
        .metricSnapshot(
            counter(
                "weir_control_stats_reports_ingested",
                "Stats reports taken in from proxies since the control plane started.",
                reports))
        .metricSnapshot(
            counter(
                "weir_control_config_nacks",
                "Configuration versions proxies refused or could not apply.",
                nacks))
        .metricSnapshot(
            gauge(
                "weir_control_watchers",
                "AdminService.Watch calls following the fleet's events.",
                events.watchers()))
        .metricSnapshot(
            histogram(
                "weir_control_push_latency_seconds",
                "From a change being accepted to every connected proxy having applied it; one "
                    + "observation per configuration version.",
                fleetPushLatency))
        .metricSnapshot(
            histogram(
                "weir_control_proxy_push_latency_seconds",
                "From a change being accepted to one proxy having applied it; one observation per "
                    + "proxy and configuration version it applied.",
                proxyPushLatency))
        .build();
  }

  private GaugeSnapshot replicas() {
    FleetCoverage coverage = fleet.coverage();
    return GaugeSnapshot.builder()
        .name("weir_control_replicas")
        .help(
            "The other control-plane replicas of the fleet: followed (their proxies are "
                + "counted here) or missing (not followed: down, unreachable or not in sync)")
        .dataPoint(
            GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", "followed"))
                .value(Math.max(0, coverage.getReplicasCount() - 1))
                .build())
        .dataPoint(
            GaugeDataPointSnapshot.builder()
                .labels(Labels.of("state", "missing"))
                .value(coverage.getMissingCount())
                .build())
        .build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }

  private static CounterSnapshot counter(String name, String help, LongAdder value) {
    return CounterSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(CounterDataPointSnapshot.builder().value(value.sum()).build())
        .build();
  }

  private static HistogramSnapshot histogram(String name, String help, LatencyHistogram latency) {
    return HistogramSnapshot.builder()
        .name(name)
        .help(help)
        .unit(Unit.SECONDS)
        .dataPoint(
            HistogramDataPointSnapshot.builder()
                .classicHistogramBuckets(latency.buckets())
                .sum(latency.sumSeconds())
                .build())
        .build();
  }

  /** Counts as things happen; kept apart so the collector's API stays what a scrape needs. */
  private final class Recorder implements FleetListener, ConfigListener {
    @Override
    public void configChanged(ConfigSnapshot snapshot) {
      revisions.increment();
    }

    @Override
    public void statsReported(String proxyId, StatsReport report) {
      reports.increment();
    }

    @Override
    public void snapshotNacked(String proxyId, long version, String reason) {
      nacks.increment();
    }

    @Override
    public void snapshotApplied(String proxyId, long version, Duration pushLatency) {
      if (pushLatency != null) {
        proxyPushLatency.record(pushLatency);
      }
    }

    @Override
    public void appliedEverywhere(long version, Duration pushLatency) {
      fleetPushLatency.record(pushLatency);
    }
  }
}
