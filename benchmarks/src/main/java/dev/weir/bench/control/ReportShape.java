package dev.weir.bench.control;

import dev.weir.api.testing.SimulatedProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pools the benchmark creates, which the simulated proxies report on: {@code pools} pools of
 * {@code backendsPerPool} backends each, listening from {@code firstPort} up.
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

  /** The pools as the simulated proxies report on them. */
  List<SimulatedProxy.ReportedPool> reportedPools() {
    List<SimulatedProxy.ReportedPool> reported = new ArrayList<>();
    for (int p = 0; p < pools; p++) {
      List<String> backends = new ArrayList<>();
      for (int b = 0; b < backendsPerPool; b++) {
        backends.add(backendAddress(p, b));
      }
      reported.add(
          new SimulatedProxy.ReportedPool(poolName(p), backends, "127.0.0.1:" + listenPort(p)));
    }
    return reported;
  }
}
