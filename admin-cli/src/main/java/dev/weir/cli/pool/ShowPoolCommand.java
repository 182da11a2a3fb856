package dev.weir.cli.pool;

import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.Table;
import dev.weir.cli.proxy.ReplicaCoverage;
import dev.weir.cli.session.Session;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl pool show}: the GetPoolStatus call. */
@Command(
    name = "show",
    description = {
      "Shows a pool, the settings set on it (others take their defaults), and each of its "
          + "backends: weight (with the effective weight proxies balance by, when adaptive "
          + "weights changed it), state, and figures from the connected proxies' latest reports "
          + "(open and total connections, failed connection attempts, connections refused because "
          + "the backend was full, the worst proxy's 99th percentile connect time), its health "
          + "fleet-wide (by quorum of the proxies with a view of it, how many of which see it "
          + "healthy; 'damped 24s left' while held down for flapping, as a line under the table "
          + "explains) and the progress of a drain. Rates per second are in the JSON output.",
      "With several control-plane replicas (--store etcd), the figures cover the proxies of "
          + "every replica that answers; a line under the table names each missing one (down or "
          + "not answering) and the proxies it served, and a drain that cannot be confirmed "
          + "because of it says so ('draining 0 left, replica r3 unaccounted')."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl pool show web", "  weirctl pool show web -o json"})
final class ShowPoolCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "NAME", description = "The pool.")
  private String name;

  ShowPoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    PoolStatus status =
        session.admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName(name).build());
    Instant now = session.clock().instant();
    session.output().print(status, () -> describe(status, now));
  }

  private static String describe(PoolStatus status, Instant now) {
    Pool pool = status.getPool();
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("Name", pool.getName());
    fields.put("Listen", pool.getListen());
    fields.put("Algorithm", Algorithms.name(pool.getAlgorithm()));
    fields.put("Config version", Long.toString(status.getConfigVersion()));
    fields.putAll(SettingsSummary.of(pool.getSettings()));
    StringBuilder text = new StringBuilder();
    fields.forEach((label, value) -> text.append(String.format("%-17s%s\n", label + ":", value)));
    text.append('\n');
    // Figures summed without a replica's proxies: the lines say which, however few backends.
    String missing = ReplicaCoverage.lines(status.getCoverage().getMissingList());
    if (status.getBackendsCount() == 0) {
      return text.append("No backends.\n").append(missing).toString();
    }
    Table table =
        new Table(
            "ADDRESS",
            "WEIGHT",
            "STATE",
            "ACTIVE",
            "TOTAL",
            "FAILURES",
            "REFUSED",
            "CONNECT P99",
            "HEALTH",
            "DRAIN");
    for (BackendStatus backend : status.getBackendsList()) {
      table.row(
          backend.getAddress(),
          BackendCells.weight(backend),
          BackendStates.name(backend.getState()),
          backend.getActiveConnections(),
          backend.getTotalConnections(),
          backend.getConnectFailures(),
          backend.getRefusedConnections(),
          Latencies.format(backend.getConnectLatencyP99Us()),
          BackendCells.health(backend, now),
          BackendCells.drain(backend.getDrain()));
    }
    return text.append(table.render())
        .append(BackendCells.legend(status.getBackendsList()))
        .append(missing)
        .toString();
  }
}
