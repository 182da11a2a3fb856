/**
 * The {@code /metrics} HTTP endpoint both weir-control and weir-proxy serve; each brings its own
 * collector. Prometheus is an optional dependency of this module: only the modules that serve
 * metrics declare it.
 */
package dev.weir.api.metrics;
