package dev.weir.cli.proxy;

import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.RelativeAge;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

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
   * How long the proxy has been in its status. A disconnected proxy's stream-open time says little;
   * how long it has been gone says more.
   */
  public static String since(ProxyInfo proxy, Instant now) {
    if (!proxy.getConnected() && proxy.hasDisconnectedAt()) {
      return RelativeAge.between(ProtoTimes.instant(proxy.getDisconnectedAt()), now);
    }
    return proxy.hasConnectedSince()
        ? RelativeAge.between(ProtoTimes.instant(proxy.getConnectedSince()), now)
        : "";
  }

  public static boolean anyFailedPools(List<ProxyInfo> proxies) {
    return proxies.stream().anyMatch(p -> p.getFailedPoolsCount() > 0);
  }

  /** The names of the pools that could not be put in force on the proxy, or empty. */
  public static String failedPools(ProxyInfo proxy) {
    return proxy.getFailedPoolsList().stream()
        .map(PoolApplyFailure::getPool)
        .collect(Collectors.joining(","));
  }

  /**
   * One line per pool that failed on a proxy, with its reason ("pool web failed on proxy edge-1:
   * cannot listen on 0.0.0.0:8080: ..."), or empty: too long for a table cell.
   */
  public static String failureLines(List<ProxyInfo> proxies) {
    StringBuilder lines = new StringBuilder();
    for (ProxyInfo proxy : proxies) {
      for (PoolApplyFailure failure : proxy.getFailedPoolsList()) {
        lines.append(failure(failure, proxy.getId())).append('\n');
      }
    }
    return lines.toString();
  }

  /** "pool web failed on proxy edge-1: reason", and what the proxy serves meanwhile. */
  public static String failure(PoolApplyFailure failure, String proxyId) {
    return "pool "
        + failure.getPool()
        + " failed on proxy "
        + proxyId
        + ": "
        + failure.getReason()
        + (failure.getServingPrevious()
            ? " (serving its previous config; retrying)"
            : " (not served there; retrying)");
  }

  /** A config version; version 0 means "none yet", an empty cell that prints as "-". */
  public static String version(long version) {
    return version == 0 ? "" : Long.toString(version);
  }
}
