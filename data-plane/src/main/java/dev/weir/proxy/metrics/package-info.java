/**
 * Prometheus metrics for weir-proxy: a {@code /metrics} endpoint whose collector reads the same
 * counters as the stats reports, at scrape time, so serving metrics adds nothing to the relay's hot
 * path.
 */
package dev.weir.proxy.metrics;
