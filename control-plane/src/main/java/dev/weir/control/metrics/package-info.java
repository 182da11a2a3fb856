/**
 * Prometheus metrics for the control plane itself (proxies connected, push latency, revisions,
 * stats reports ingested, watchers), served by {@code weir-control --metrics}.
 */
package dev.weir.control.metrics;
