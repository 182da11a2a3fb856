package dev.weir.bench.control;

import dev.weir.api.wire.HostPort;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The control planes of one scenario: one, or several replicas sharing a store, each with its
 * address and its {@link ControlPlaneProbe}, in the order the script lists them. Edits and queries
 * go through the first.
 */
final class ControlPlanes {
  private final List<HostPort> addresses;
  private final List<ControlPlaneProbe> probes;

  private ControlPlanes(List<HostPort> addresses, List<ControlPlaneProbe> probes) {
    this.addresses = addresses;
    this.probes = probes;
  }

  /** From the driver's comma-separated --control, --metrics and --pid lists. */
  static ControlPlanes parse(String controls, String metrics, String pids, long ticksPerSecond) {
    List<HostPort> addresses = new ArrayList<>();
    for (String control : controls.split(",")) {
      try {
        addresses.add(HostPort.parseWithHost(control));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--control \"" + control + "\" is invalid: " + e.getMessage() + "; use HOST:PORT");
      }
    }
    String[] metricsEach = metrics.split(",");
    String[] pidEach = pids.split(",");
    if (metricsEach.length != addresses.size() || pidEach.length != addresses.size()) {
      throw new IllegalArgumentException(
          "--control, --metrics and --pid need one entry per "
              + "control plane, got "
              + addresses.size()
              + ", "
              + metricsEach.length
              + " and "
              + pidEach.length);
    }
    List<ControlPlaneProbe> probes = new ArrayList<>();
    for (int r = 0; r < addresses.size(); r++) {
      probes.add(new ControlPlaneProbe(metricsEach[r], Long.parseLong(pidEach[r]), ticksPerSecond));
    }
    return new ControlPlanes(addresses, probes);
  }

  int size() {
    return addresses.size();
  }

  List<HostPort> addresses() {
    return addresses;
  }

  HostPort address(int index) {
    return addresses.get(index);
  }

  ControlPlaneProbe probe(int index) {
    return probes.get(index);
  }

  /** utime + stime of every control plane together, in seconds. */
  double cpuSeconds() throws IOException {
    double total = 0;
    for (double each : cpuSecondsEach()) {
      total += each;
    }
    return total;
  }

  double[] cpuSecondsEach() throws IOException {
    double[] each = new double[probes.size()];
    for (int r = 0; r < each.length; r++) {
      each[r] = probes.get(r).cpuSeconds();
    }
    return each;
  }

  /** Each one's weir_control_stats_reports_ingested_total: the reports of its own proxies. */
  long[] reportsIngestedEach() throws IOException, InterruptedException {
    long[] each = new long[probes.size()];
    for (int r = 0; r < each.length; r++) {
      each[r] = ControlPlaneProbe.reportsIngested(probes.get(r).scrape());
    }
    return each;
  }

  long[] rssBytesEach() throws IOException {
    long[] each = new long[probes.size()];
    for (int r = 0; r < each.length; r++) {
      each[r] = probes.get(r).rssBytes();
    }
    return each;
  }
}
