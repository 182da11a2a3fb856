package dev.weir.proxy.metrics;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ListenerStats;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a scrape reads, each called once per scrape from the metrics server's thread: the
 * proxy's stats as it reports them to the control plane, and the state of that control stream.
 *
 * @param backendStats every backend of every pool in force
 * @param listenerStats every listener
 * @param configVersion the config version in force; 0 before the first
 * @param controlPlaneConnected whether the control stream is up
 */
public record MetricsSource(
    Supplier<List<BackendStats>> backendStats,
    Supplier<List<ListenerStats>> listenerStats,
    LongSupplier configVersion,
    BooleanSupplier controlPlaneConnected) {}
