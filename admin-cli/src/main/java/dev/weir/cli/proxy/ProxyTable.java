package dev.weir.cli.proxy;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.Table;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The table {@code weirctl proxies} prints. */
final class ProxyTable {

  private ProxyTable() {}

  static String render(ListProxiesResponse response, Instant now) {
    // A replica that is not answering may have served proxies; saying so matters most when the
    // list looks empty.
    String missing = ReplicaCoverage.lines(response.getCoverage().getMissingList());
    if (response.getProxiesCount() == 0) {
      return "No proxies.\n" + missing;
    }
    // Shown only when a pool failed somewhere, so the usual table stays as narrow as it was.
    boolean failures = ProxyCells.anyFailedPools(response.getProxiesList());
    // Likewise which replica a proxy is connected to, only when there is a choice.
    boolean replicas = ReplicaCoverage.spansReplicas(response.getCoverage());
    // No ACKED column: an ACK only says the proxy found a version valid, before applying it, and
    // "ACKED 31" beside "LAST NACK v31" (valid, then not applied) read as a contradiction.
    List<String> headers =
        new ArrayList<>(
            List.of(
                "ID",
                "ADDRESS",
                "STATUS",
                "SINCE",
                "SENT",
                "APPLIED",
                "LATEST",
                "PUSH",
                "LAST NACK"));
    if (replicas) {
      headers.add(2, "REPLICA");
    }
    if (failures) {
      headers.add("FAILED POOLS");
    }
    Table table = new Table(headers.toArray(String[]::new));
    for (ProxyInfo proxy : response.getProxiesList()) {
      List<Object> cells =
          new ArrayList<>(
              List.of(
                  proxy.getId(),
                  proxy.getAddress(),
                  status(proxy),
                  ProxyCells.since(proxy, now),
                  ProxyCells.version(proxy.getLastSentVersion()),
                  applied(proxy),
                  ProxyCells.version(response.getConfigVersion()),
                  pushLatency(proxy),
                  lastNack(proxy)));
      if (replicas) {
        cells.add(2, ReplicaCoverage.replica(proxy.getReplica(), response.getCoverage()));
      }
      if (failures) {
        cells.add(ProxyCells.failedPools(proxy));
      }
      table.row(cells.toArray());
    }
    return table.render()
        + ProxyCells.failureLines(response.getProxiesList())
        + missing
        + refusals(response);
  }

  // A refusing proxy still counts as connected; the cell says both, so it cannot be missed.
  private static String status(ProxyInfo proxy) {
    String refusing = refusal(proxy);
    return refusing.isEmpty()
        ? ProxyCells.connection(proxy)
        : ProxyCells.connection(proxy) + ", REFUSING (" + refusing + ")";
  }

  private static String refusal(ProxyInfo proxy) {
    return switch (proxy.getRefusing()) {
      case OTHER_FLEET -> "other fleet";
      case OLDER_VERSION -> "older version";
      default -> "";
    };
  }

  // Under the table: what each refusing proxy serves, and the way out.
  private static String refusals(ListProxiesResponse response) {
    StringBuilder text = new StringBuilder();
    for (ProxyInfo proxy : response.getProxiesList()) {
      if (!refusal(proxy).isEmpty()) {
        text.append("\nproxy ")
            .append(proxy.getId())
            .append(" refuses this control plane's config (")
            .append(refusal(proxy))
            .append(") and keeps serving version ")
            .append(proxy.getServingVersion())
            .append(" of fleet ")
            .append(proxy.getServingFleetId().isEmpty() ? "(none)" : proxy.getServingFleetId());
      }
    }
    if (text.length() > 0) {
      text.append(
          "\nto make the proxies take this control plane's pools: weirctl fleet adopt "
              + "(try --dry-run first)");
    }
    return text.toString();
  }

  private static String pushLatency(ProxyInfo proxy) {
    return proxy.hasLastPushLatency()
        ? Latencies.format(Durations.toMicros(proxy.getLastPushLatency()))
        : "";
  }

  // A refusing proxy applied none of this control plane's versions; the version it reported
  // serving is another fleet's (or an older store's), named under the table.
  private static String applied(ProxyInfo proxy) {
    return refusal(proxy).isEmpty() ? ProxyCells.version(proxy.getLastAppliedVersion()) : "";
  }

  // "v31 rejected: why" while the proxy serves an older version instead; once a later version is
  // in force, the cell says so, so an old NACK is not read as the state of things.
  private static String lastNack(ProxyInfo proxy) {
    if (proxy.getLastNackVersion() == 0 && proxy.getLastNackReason().isEmpty()) {
      return "";
    }
    String applied = applied(proxy);
    boolean superseded =
        !applied.isEmpty()
            && Long.compareUnsigned(proxy.getLastAppliedVersion(), proxy.getLastNackVersion()) > 0;
    return "v"
        + proxy.getLastNackVersion()
        + " rejected"
        + (superseded ? ", " + applied + " applied since" : "")
        + ": "
        + proxy.getLastNackReason();
  }
}
