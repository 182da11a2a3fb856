package dev.weir.cli.status;

import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import java.util.List;

/**
 * The fleet as {@code status} and {@code top} show it: every pool with its backends' fleet-wide
 * figures, and every proxy the control plane knows.
 *
 * @param controlPlane the address weirctl talks to, as given
 * @param configVersion the control plane's newest configuration version
 */
record FleetStatus(
    String controlPlane, long configVersion, List<PoolStatus> pools, List<ProxyInfo> proxies) {

  FleetStatus {
    pools = List.copyOf(pools);
    proxies = List.copyOf(proxies);
  }

  long connectedProxies() {
    return proxies.stream().filter(ProxyInfo::getConnected).count();
  }

  /** How many versions the proxy's applied config is behind the newest; 0 when current. */
  long versionsBehind(ProxyInfo proxy) {
    return Math.max(0, configVersion - proxy.getLastAppliedVersion());
  }
}
