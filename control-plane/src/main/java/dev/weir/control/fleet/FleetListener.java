package dev.weir.control.fleet;

import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.StatsReport;
import java.time.Duration;
import java.util.List;

/**
 * Fleet events, for features built on top of the fleet (push-latency histograms, quorum health,
 * drain tracking). Called on gRPC threads, outside the fleet's locks; must not block.
 */
public interface FleetListener {

  default void proxyConnected(String proxyId) {}

  default void proxyDisconnected(String proxyId) {}

  /**
   * A proxy validated a version (ACK) and is applying it; {@code sinceSent} runs from the send to
   * the ACK's arrival.
   */
  default void snapshotAcked(String proxyId, long version, Duration sinceSent) {}

  /**
   * A proxy put a version in force (ConfigApplied).
   *
   * @param pushLatency from the control plane accepting the version to this apply; null when the
   *     version was accepted before the proxy connected, so the apply ends a proxy catching up
   *     rather than a push
   */
  default void snapshotApplied(String proxyId, long version, Duration pushLatency) {}

  /**
   * A pool of {@code version}, the version in force on the proxy, could not be put in force there
   * (or now fails for another reason).
   */
  default void poolFailed(String proxyId, long version, PoolApplyFailure failure) {}

  /** A pool that had failed on the proxy is in force now; {@code pool} names it. */
  default void poolRecovered(String proxyId, long version, PoolApplyFailure pool) {}

  /** The proxy refused a version (or failed to apply it, after an ACK). */
  default void snapshotNacked(String proxyId, long version, String reason) {}

  /**
   * Every connected proxy now has {@code version} (or a newer one) in force; {@code pushLatency}
   * runs from its acceptance to the last of them applying it. Said once per version, and only for
   * versions accepted by this control plane while proxies were connected.
   */
  default void appliedEverywhere(long version, Duration pushLatency) {}

  /** A stats report, already stripped of entries for pools that do not exist. */
  default void statsReported(String proxyId, StatsReport report) {}

  /**
   * The control-plane replicas whose proxies cannot be counted changed (fleet-wide listeners only):
   * what those proxies hold is unknown until the list is empty again.
   */
  default void coverageChanged(List<String> missingReplicas) {}
}
