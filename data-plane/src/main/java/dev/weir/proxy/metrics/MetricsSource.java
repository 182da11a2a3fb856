package dev.weir.proxy.metrics;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.tls.ServerTls;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a scrape reads, each called once per scrape from the metrics server's thread: the proxy's
 * stats as it reports them to the control plane, and the state of that control stream.
 *
 * @param backendStats every backend of every pool in force
 * @param listenerStats every listener
 * @param configVersion the config version in force; 0 before the first
 * @param controlPlaneConnected whether the control stream is up
 * @param connections the proxy-wide connection cap ({@code --max-connections})
 * @param configRefusal why the proxy refuses the control plane's config (another fleet's, or older
 *     than its own); NACK_KIND_UNSPECIFIED while it does not
 * @param certificateExpiries the certificates of each TLS terminating pool, by pool name
 */
public record MetricsSource(
    Supplier<List<BackendStats>> backendStats,
    Supplier<List<ListenerStats>> listenerStats,
    LongSupplier configVersion,
    BooleanSupplier controlPlaneConnected,
    ConnectionBudget connections,
    Supplier<NackKind> configRefusal,
    Supplier<Map<String, List<ServerTls.Expiry>>> certificateExpiries) {

  /** Without TLS terminating pools. */
  public MetricsSource(
      Supplier<List<BackendStats>> backendStats,
      Supplier<List<ListenerStats>> listenerStats,
      LongSupplier configVersion,
      BooleanSupplier controlPlaneConnected,
      ConnectionBudget connections,
      Supplier<NackKind> configRefusal) {
    this(
        backendStats,
        listenerStats,
        configVersion,
        controlPlaneConnected,
        connections,
        configRefusal,
        Map::of);
  }

  /** Never refusing. */
  public MetricsSource(
      Supplier<List<BackendStats>> backendStats,
      Supplier<List<ListenerStats>> listenerStats,
      LongSupplier configVersion,
      BooleanSupplier controlPlaneConnected,
      ConnectionBudget connections) {
    this(
        backendStats,
        listenerStats,
        configVersion,
        controlPlaneConnected,
        connections,
        () -> NackKind.NACK_KIND_UNSPECIFIED);
  }

  /** Without a proxy-wide cap. */
  public MetricsSource(
      Supplier<List<BackendStats>> backendStats,
      Supplier<List<ListenerStats>> listenerStats,
      LongSupplier configVersion,
      BooleanSupplier controlPlaneConnected) {
    this(
        backendStats,
        listenerStats,
        configVersion,
        controlPlaneConnected,
        ConnectionBudget.unlimited());
  }
}
