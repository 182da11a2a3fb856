package dev.weir.proxy.metrics;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.tls.ServerTls;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * Turns one read of the proxy's stats into Prometheus metrics, at scrape time. Backends are
 * labelled {@code pool} and {@code backend} (its address), listeners {@code pool} and {@code
 * listener} (the address bound); counters are cumulative since the proxy started, as in the stats
 * reports.
 */
public final class StatsCollector implements MultiCollector {

  private final MetricsSource source;

  public StatsCollector(MetricsSource source) {
    this.source = source;
  }

  @Override
  public MetricSnapshots collect() {
    List<BackendStats> backends = source.backendStats().get();
    List<ListenerStats> listeners = source.listenerStats().get();
    return MetricSnapshots.builder()
        .metricSnapshot(
            gauge(
                "weir_backend_active_connections",
                "Client connections relayed to the backend, counting ones still connecting.",
                backends,
                StatsCollector::labels,
                BackendStats::getActiveConnections))
        .metricSnapshot(
            counter(
                "weir_backend_connections",
                "Connections established to the backend.",
                null,
                backends,
                StatsCollector::labels,
                BackendStats::getTotalConnections))
        .metricSnapshot(
            counter(
                "weir_backend_connect_failures",
                "Connection attempts to the backend that failed: refused, timed out or unreachable.",
                null,
                backends,
                StatsCollector::labels,
                BackendStats::getConnectFailures))
        .metricSnapshot(
            counter(
                "weir_backend_unanswered_connections",
                "Connections on which the client sent bytes and the backend sent none within the"
                    + " pool's response timeout.",
                null,
                backends,
                StatsCollector::labels,
                BackendStats::getUnansweredConnections))
        .metricSnapshot(
            counter(
                "weir_backend_refused_connections",
                "Connections not tried on the backend because it was at its connection limit.",
                null,
                backends,
                StatsCollector::labels,
                BackendStats::getRefusedConnections))
        .metricSnapshot(
            counter(
                "weir_backend_drain_closed_connections",
                "Connections to the backend closed because its drain deadline passed.",
                null,
                backends,
                StatsCollector::labels,
                BackendStats::getDrainClosedConnections))
        .metricSnapshot(
            counter(
                "weir_backend_sent_bytes",
                "Bytes relayed from clients to the backend.",
                Unit.BYTES,
                backends,
                StatsCollector::labels,
                BackendStats::getBytesToBackend))
        .metricSnapshot(
            counter(
                "weir_backend_received_bytes",
                "Bytes relayed from the backend to clients.",
                Unit.BYTES,
                backends,
                StatsCollector::labels,
                BackendStats::getBytesToClient))
        .metricSnapshot(
            gauge(
                "weir_backend_healthy",
                "1 if the backend is healthy, else 0; the health label names its state: "
                    + "unknown, healthy, unhealthy or ejected.",
                backends,
                StatsCollector::healthLabels,
                s -> s.getHealth() == BackendHealth.HEALTHY ? 1 : 0))
        .metricSnapshot(
            gauge(
                "weir_backend_draining",
                "1 while the backend is draining: it keeps its open connections but gets no new ones.",
                backends,
                StatsCollector::labels,
                s -> s.getDraining() ? 1 : 0))
        .metricSnapshot(connectLatency(backends))
        .metricSnapshot(
            counter(
                "weir_listener_accepted_connections",
                "Client connections the listener accepted, admitted or not.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getAcceptedConnections))
        .metricSnapshot(
            counter(
                "weir_listener_refused_connections",
                "Client connections closed at once because the listener was at its connection limit.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getRefusedConnections))
        .metricSnapshot(
            counter(
                "weir_listener_no_backend_connections",
                "Client connections closed because no backend could take them.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getNoBackendConnections))
        .metricSnapshot(
            counter(
                "weir_listener_proxy_header_rejections",
                "Client connections closed for a malformed or missing PROXY protocol header "
                    + "(pools with settings.proxy_protocol.accept).",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getProxyHeaderRejections))
        .metricSnapshot(
            counter(
                "weir_listener_connect_forbidden",
                "HTTP CONNECT requests refused with 403: no pool of the listener answers to the target.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getConnectForbidden))
        .metricSnapshot(
            counter(
                "weir_listener_connect_rejected",
                "HTTP CONNECT listener connections closed for a malformed, oversized, late or "
                    + "non-CONNECT request head.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getConnectRejected))
        .metricSnapshot(
            counter(
                "weir_listener_sni_unmatched",
                "TLS routing connections closed because no pool of the listener answers to the "
                    + "ClientHello's server name (or to none) and it has no default pool.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getSniUnmatched))
        .metricSnapshot(
            counter(
                "weir_listener_sni_rejected",
                "TLS routing connections closed for first bytes that were not a TLS ClientHello, "
                    + "a ClientHello over 16 KiB, or none within the pool's client_hello_timeout.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getSniRejected))
        .metricSnapshot(
            counter(
                "weir_listener_tls_handshake_failures",
                "Client TLS handshakes with a terminating pool that failed or timed out.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getTlsHandshakeFailures))
        .metricSnapshot(
            counter(
                "weir_listener_tls_reload_failures",
                "Changed certificate or key files of a terminating pool that could not be loaded;"
                    + " the certificate loaded before kept serving.",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getTlsReloadFailures))
        .metricSnapshot(certificateExpiries(source.certificateExpiries().get()))
        .metricSnapshot(
            counter(
                "weir_listener_operator_closed_connections",
                "Client connections an operator closed (weirctl connections close).",
                null,
                listeners,
                StatsCollector::labels,
                ListenerStats::getOperatorClosedConnections))
        .metricSnapshot(
            gauge(
                "weir_listener_active_connections",
                "Client connections the listener admitted that are still open.",
                listeners,
                StatsCollector::labels,
                ListenerStats::getActiveConnections))
        .metricSnapshot(
            gauge(
                "weir_proxy_active_connections",
                "Client connections open over all listeners, counted against --max-connections.",
                source.connections().active()))
        .metricSnapshot(
            gauge(
                "weir_proxy_max_connections",
                "The proxy-wide connection cap, --max-connections.",
                source.connections().limit()))
        .metricSnapshot(
            CounterSnapshot.builder()
                .name("weir_proxy_refused_connections")
                .help(
                    "Client connections reset at accept because the proxy was at "
                        + "--max-connections; also counted in the listener's refused connections.")
                .dataPoint(
                    CounterDataPointSnapshot.builder()
                        .value(source.connections().refused())
                        .build())
                .build())
        .metricSnapshot(
            gauge(
                "weir_control_plane_connected",
                "1 while the proxy's stream to the control plane is up, else 0; the proxy serves its "
                    + "last config either way.",
                source.controlPlaneConnected().getAsBoolean() ? 1 : 0))
        .metricSnapshot(
            gauge(
                "weir_config_version",
                "Version of the config in force; 0 before the first.",
                source.configVersion().getAsLong()))
        .metricSnapshot(configRefused(source.configRefusal().get()))
        .build();
  }

  private static GaugeSnapshot certificateExpiries(Map<String, List<ServerTls.Expiry>> byPool) {
    GaugeSnapshot.Builder gauge =
        GaugeSnapshot.builder()
            .name("weir_tls_certificate_expiry_timestamp_seconds")
            .help(
                "When each certificate a TLS terminating pool serves stops being valid (its"
                    + " notAfter), in seconds since the epoch; as loaded last.");
    byPool.forEach(
        (pool, expiries) -> {
          for (ServerTls.Expiry expiry : expiries) {
            gauge.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("pool", pool, "file", expiry.certFile().toString()))
                    .value(expiry.notAfter().getEpochSecond())
                    .build());
          }
        });
    return gauge.build();
  }

  // Both reasons always, so an alert can watch for 1 without waiting for the series to appear.
  private static GaugeSnapshot configRefused(NackKind refusing) {
    GaugeSnapshot.Builder gauge =
        GaugeSnapshot.builder()
            .name("weir_proxy_config_refused")
            .help(
                "1 while the proxy refuses the control plane's config and keeps serving its own: "
                    + "reason other_fleet (the control plane has another store) or older_version (an "
                    + "older backup); ends when an operator adopts the fleet (weirctl fleet adopt).");
    for (NackKind kind : List.of(NackKind.OTHER_FLEET, NackKind.OLDER_VERSION)) {
      gauge.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(Labels.of("reason", kind.name().toLowerCase(Locale.ROOT)))
              .value(refusing == kind ? 1 : 0)
              .build());
    }
    return gauge.build();
  }

  private static SummarySnapshot connectLatency(List<BackendStats> backends) {
    SummarySnapshot.Builder summary =
        SummarySnapshot.builder()
            .name("weir_backend_connect_latency_seconds")
            .unit(Unit.SECONDS)
            .help(
                "Time to connect to the backend. Quantiles cover the last stats interval and are "
                    + "NaN when it saw no connects; the count is every connect since the proxy started.");
    for (BackendStats s : backends) {
      summary.dataPoint(
          SummaryDataPointSnapshot.builder()
              .labels(labels(s))
              .quantiles(
                  Quantiles.of(
                      new Quantile(0.5, seconds(s.getConnectLatencyP50Us())),
                      new Quantile(0.99, seconds(s.getConnectLatencyP99Us()))))
              .count(s.getTotalConnections())
              .build());
    }
    return summary.build();
  }

  // 0 means no connects in the interval; to Prometheus NaN says "no data" where 0 would say
  // "instant".
  private static double seconds(long micros) {
    return micros == 0 ? Double.NaN : micros / 1e6;
  }

  private static Labels labels(BackendStats s) {
    return Labels.of("pool", s.getPool(), "backend", s.getAddress());
  }

  private static Labels healthLabels(BackendStats s) {
    String health =
        switch (s.getHealth()) {
          case HEALTHY, UNHEALTHY, EJECTED -> s.getHealth().name().toLowerCase(Locale.ROOT);
          default -> "unknown";
        };
    return labels(s).add("health", health);
  }

  private static Labels labels(ListenerStats s) {
    return Labels.of("pool", s.getPool(), "listener", s.getAddress());
  }

  private static <T> CounterSnapshot counter(
      String name,
      String help,
      Unit unit,
      List<T> stats,
      Function<T, Labels> labels,
      ToDoubleFunction<T> value) {
    CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help).unit(unit);
    for (T s : stats) {
      counter.dataPoint(
          CounterDataPointSnapshot.builder()
              .labels(labels.apply(s))
              .value(value.applyAsDouble(s))
              .build());
    }
    return counter.build();
  }

  private static <T> GaugeSnapshot gauge(
      String name,
      String help,
      List<T> stats,
      Function<T, Labels> labels,
      ToDoubleFunction<T> value) {
    GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
    for (T s : stats) {
      gauge.dataPoint(
          GaugeDataPointSnapshot.builder()
              .labels(labels.apply(s))
              .value(value.applyAsDouble(s))
              .build());
    }
    return gauge.build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
        .build();
  }
}
