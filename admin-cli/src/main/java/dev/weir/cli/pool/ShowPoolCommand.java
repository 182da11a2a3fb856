package dev.weir.cli.pool;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.RelativeAge;
import dev.weir.cli.output.Table;
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
          + "healthy; 'damped' while held down for flapping, with the time left) and the progress "
          + "of a drain. Rates per second are in the JSON output."
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
    if (status.getBackendsCount() == 0) {
      return text.append("No backends.").toString();
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
          weight(backend),
          BackendStates.name(backend.getState()),
          backend.getActiveConnections(),
          backend.getTotalConnections(),
          backend.getConnectFailures(),
          backend.getRefusedConnections(),
          Latencies.format(backend.getConnectLatencyP99Us()),
          health(backend, now),
          drain(backend.getDrain()));
    }
    return text.append(table.render()).toString();
  }

  // "3", or "3 (eff 2)" while adaptive weights have the proxies balance by another weight.
  private static String weight(BackendStatus backend) {
    int effective = backend.getEffectiveWeight();
    return effective == 0 || effective == backend.getWeight()
        ? Integer.toUnsignedString(backend.getWeight())
        : backend.getWeight() + " (eff " + Integer.toUnsignedString(effective) + ")";
  }

  // The fleet's verdict, then "2/3": two of the three proxies that have a view of the backend
  // see it healthy, as kubectl prints READY. "unknown" alone while none has a view.
  private static String health(BackendStatus backend, Instant now) {
    String verdict = switch (backend.getFleetHealth()) {
      case FLEET_HEALTHY -> "healthy";
      case FLEET_UNHEALTHY -> "unhealthy";
      case FLEET_DAMPED -> backend.hasDampedUntil()
          ? "damped " + RelativeAge.between(now, instant(backend.getDampedUntil()))
          : "damped";
      case FLEET_UNKNOWN -> "unknown";
      // Unset (a control plane older than this CLI) or newer than this CLI: the count says it.
      default -> "";
    };
    long reporting = (long) backend.getHealthyProxies() + backend.getUnhealthyProxies();
    String count = reporting == 0 ? "" : backend.getHealthyProxies() + "/" + reporting;
    return (verdict + " " + count).strip();
  }

  // "draining 12 left", "drained", "drained (3 cut)"; empty when not draining.
  private static String drain(DrainStatus drain) {
    return switch (drain.getState()) {
      case DRAINING -> "draining " + drain.getRemainingConnections() + " left";
      case DRAINED -> drain.getCutConnections() == 0
          ? "drained"
          : "drained (" + drain.getCutConnections() + " cut)";
      default -> "";
    };
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
