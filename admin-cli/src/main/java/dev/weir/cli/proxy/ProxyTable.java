package dev.weir.cli.proxy;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.RelativeAge;
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
          proxy.getConnected() ? "connected" : "disconnected",
          since(proxy, now),
          version(proxy.getLastSentVersion()),
          version(proxy.getLastAckedVersion()),
          version(proxy.getLastAppliedVersion()),
          version(response.getConfigVersion()),
          pushLatency(proxy),
          lastNack(proxy));
    }
    return table.render();
  }

  // A disconnected proxy's stream-open time says little; how long it has been gone says more.
  private static String since(ProxyInfo proxy, Instant now) {
    if (!proxy.getConnected() && proxy.hasDisconnectedAt()) {
      return RelativeAge.between(instant(proxy.getDisconnectedAt()), now);
    }
    return proxy.hasConnectedSince()
        ? RelativeAge.between(instant(proxy.getConnectedSince()), now)
        : "";
  }

  // Version 0 means "none yet"; an empty cell prints as "-".
  private static String version(long version) {
    return version == 0 ? "" : Long.toString(version);
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

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
