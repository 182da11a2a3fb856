package dev.weir.cli.proxy;

import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.RelativeAge;
import java.time.Instant;

/**
 * How a proxy's figures read in a table cell, shared by {@code proxies}, {@code status} and {@code
 * top}.
 */
public final class ProxyCells {

  private ProxyCells() {}

  /** "connected" or "disconnected". */
  public static String connection(ProxyInfo proxy) {
    return proxy.getConnected() ? "connected" : "disconnected";
  }

  /**
   * How long the proxy has been in its status. A disconnected proxy's stream-open time says
   * little; how long it has been gone says more.
   */
  public static String since(ProxyInfo proxy, Instant now) {
    if (!proxy.getConnected() && proxy.hasDisconnectedAt()) {
      return RelativeAge.between(ProtoTimes.instant(proxy.getDisconnectedAt()), now);
    }
    return proxy.hasConnectedSince()
        ? RelativeAge.between(ProtoTimes.instant(proxy.getConnectedSince()), now)
        : "";
  }

  /** A config version; version 0 means "none yet", an empty cell that prints as "-". */
  public static String version(long version) {
    return version == 0 ? "" : Long.toString(version);
  }
}
