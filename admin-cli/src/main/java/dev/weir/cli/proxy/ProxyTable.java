package dev.weir.cli.proxy;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.Table;
import java.time.Instant;

/** The table {@code weirctl proxies} prints. */
final class ProxyTable {

  private ProxyTable() {}

  static String render(ListProxiesResponse response, Instant now) {
    if (response.getProxiesCount() == 0) {
      return "No proxies.";
    }
    Table table = new Table("ID", "ADDRESS", "STATUS", "SINCE", "SENT", "ACKED", "APPLIED",
        "LATEST", "PUSH", "LAST NACK");
    for (ProxyInfo proxy : response.getProxiesList()) {
      table.row(
          proxy.getId(),
          proxy.getAddress(),
          ProxyCells.connection(proxy),
          ProxyCells.since(proxy, now),
          ProxyCells.version(proxy.getLastSentVersion()),
          ProxyCells.version(proxy.getLastAckedVersion()),
          ProxyCells.version(proxy.getLastAppliedVersion()),
          ProxyCells.version(response.getConfigVersion()),
          pushLatency(proxy),
          lastNack(proxy));
    }
    return table.render();
  }

  private static String pushLatency(ProxyInfo proxy) {
    return proxy.hasLastPushLatency()
        ? Latencies.format(Durations.toMicros(proxy.getLastPushLatency()))
        : "";
  }

  private static String lastNack(ProxyInfo proxy) {
    if (proxy.getLastNackVersion() == 0 && proxy.getLastNackReason().isEmpty()) {
      return "";
    }
    return "v" + proxy.getLastNackVersion() + ": " + proxy.getLastNackReason();
  }
}
