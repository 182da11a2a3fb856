package dev.weir.cli.status;

import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.proxy.ReplicaCoverage;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet as {@code status} and {@code top} show it: every pool with its backends' fleet-wide
 * figures, and every proxy the control plane knows.
 *
 * @param controlPlane the address weirctl talks to, as given
 * @param configVersion the control plane's newest configuration version
 * @param coverage the control-plane replicas the proxy list covers; unset from a control plane
 *     older than replica links
 */
record FleetStatus(
    String controlPlane,
    long configVersion,
    List<PoolStatus> pools,
    List<ProxyInfo> proxies,
    FleetCoverage coverage) {

  FleetStatus {
    pools = List.copyOf(pools);
    proxies = List.copyOf(proxies);
  }

  FleetStatus(
      String controlPlane, long configVersion, List<PoolStatus> pools, List<ProxyInfo> proxies) {
    this(controlPlane, configVersion, pools, proxies, FleetCoverage.getDefaultInstance());
  }

  long connectedProxies() {
    return proxies.stream().filter(ProxyInfo::getConnected).count();
  }

  /** How many versions the proxy's applied config is behind the newest; 0 when current. */
  long versionsBehind(ProxyInfo proxy) {
    return Math.max(0, configVersion - proxy.getLastAppliedVersion());
  }

  /**
   * The replicas missing from any of the answers the figures come from, each once; the proxy list,
   * read last, first.
   */
  List<MissingReplica> missingReplicas() {
    List<FleetCoverage> coverages = new ArrayList<>();
    coverages.add(coverage);
    pools.forEach(pool -> coverages.add(pool.getCoverage()));
    return ReplicaCoverage.missing(coverages);
  }
}
