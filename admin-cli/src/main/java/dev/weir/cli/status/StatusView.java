package dev.weir.cli.status;

import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.RelativeAge;
import dev.weir.cli.output.Table;
import dev.weir.cli.output.TerminalText;
import dev.weir.cli.pool.BackendCells;
import dev.weir.cli.proxy.ProxyCells;
import dev.weir.cli.proxy.ReplicaCoverage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code weirctl status}, and the body of {@code top}: a header line, a table of
 * backends per pool and a table of proxies, within 100 columns for IPv4 backends.
 */
final class StatusView {

  private StatusView() {}

  static String render(FleetStatus fleet, Instant now) {
    StringBuilder text = new StringBuilder();
    // Right under the header, so that top shows them on the smallest terminal too.
    text.append(header(fleet))
        .append('\n')
        .append(ReplicaCoverage.lines(fleet.missingReplicas()))
        .append('\n');
    if (fleet.pools().isEmpty()) {
      text.append("No pools.\n");
    }
    for (PoolStatus pool : fleet.pools()) {
      text.append(pool(pool, now)).append('\n');
    }
    text.append(proxies(fleet, now));
    // Pool names and proxy ids come from the control plane: escaped for the terminal.
    return TerminalText.escapeKeepingLines(text.toString());
  }

  static String header(FleetStatus fleet) {
    return "Control plane "
        + fleet.controlPlane()
        + ", config version "
        + fleet.configVersion()
        + ", proxies "
        + fleet.connectedProxies()
        + "/"
        + fleet.proxies().size()
        + " connected";
  }

  private static String pool(PoolStatus status, Instant now) {
    Pool pool = status.getPool();
    String heading =
        "Pool "
            + pool.getName()
            + "  listen "
            + pool.getListen()
            + "  "
            + BackendCells.algorithm(pool.getAlgorithm())
            + "\n";
    if (status.getBackendsCount() == 0) {
      return heading + "  No backends.\n";
    }
    Table table = new Table("ADDRESS", "WEIGHT", "STATE", "HEALTH", "ACTIVE", "FAIL/S", "FAILURES");
    for (BackendStatus backend : status.getBackendsList()) {
      table.row(
          backend.getAddress(),
          BackendCells.weight(backend),
          state(backend),
          BackendCells.health(backend, now),
          Long.toUnsignedString(backend.getActiveConnections()),
          rate(backend.getFailureRate()),
          Long.toUnsignedString(backend.getConnectFailures()));
    }
    return heading + table.render() + BackendCells.legend(status.getBackendsList());
  }

  // A drain's progress says more than "draining" and fits the same column.
  private static String state(BackendStatus backend) {
    DrainStatus drain = backend.getDrain();
    String progress = BackendCells.drain(drain);
    return progress.isEmpty() ? BackendCells.state(backend) : progress;
  }

  // "0", "0.2", "12": one decimal only while it matters.
  static String rate(double perSecond) {
    if (perSecond <= 0) {
      return "0";
    }
    return perSecond >= 10
        ? Long.toString(Math.round(perSecond))
        : String.format(Locale.ROOT, "%.1f", perSecond);
  }

  private static String proxies(FleetStatus fleet, Instant now) {
    if (fleet.proxies().isEmpty()) {
      return "No proxies.\n";
    }
    // As in 'weirctl proxies': the column is there only when a pool failed somewhere.
    boolean failures = ProxyCells.anyFailedPools(fleet.proxies());
    // And the replica a proxy is connected to, only when there is a choice.
    boolean replicas = ReplicaCoverage.spansReplicas(fleet.coverage());
    List<String> headers =
        new ArrayList<>(List.of("PROXY", "STATUS", "SINCE", "APPLIED", "BEHIND", "LAST SEEN"));
    if (replicas) {
      headers.add(1, "REPLICA");
    }
    if (failures) {
      headers.add("FAILED POOLS");
    }
    Table table = new Table(headers.toArray(String[]::new));
    for (ProxyInfo proxy : fleet.proxies()) {
      List<Object> cells =
          new ArrayList<>(
              List.of(
                  proxy.getId(),
                  ProxyCells.connection(proxy),
                  ProxyCells.since(proxy, now),
                  ProxyCells.version(proxy.getLastAppliedVersion()),
                  Long.toString(fleet.versionsBehind(proxy)),
                  lastSeen(proxy, now)));
      if (replicas) {
        cells.add(1, ReplicaCoverage.replica(proxy.getReplica(), fleet.coverage()));
      }
      if (failures) {
        cells.add(ProxyCells.failedPools(proxy));
      }
      table.row(cells.toArray());
    }
    return table.render() + ProxyCells.failureLines(fleet.proxies());
  }

  // The last stats report is the last sign of life; a proxy that never reported was last seen
  // when its stream opened or closed.
  private static String lastSeen(ProxyInfo proxy, Instant now) {
    if (proxy.hasLastReportAt()) {
      return RelativeAge.between(ProtoTimes.instant(proxy.getLastReportAt()), now);
    }
    return ProxyCells.since(proxy, now);
  }
}
