package dev.weir.bench.control;

import java.util.Locale;

/**
 * The pools the benchmark creates, which the simulated proxies report on: {@code pools} pools
 * of {@code backendsPerPool} backends each, listening from {@code firstPort} up.
 */
record ReportShape(int pools, int backendsPerPool, int firstPort) {
  String poolName(int pool) {
    return String.format(Locale.ROOT, "bench-%02d", pool);
  }

  String backendAddress(int pool, int backend) {
    return "10.9." + pool + "." + (backend + 1) + ":80";
  }

  int listenPort(int pool) {
    return firstPort + pool;
  }
}
