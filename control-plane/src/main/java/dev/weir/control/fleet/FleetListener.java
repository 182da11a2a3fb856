package dev.weir.control.fleet;

import dev.weir.api.v1.StatsReport;
import java.time.Duration;

/**
 * Fleet events, for features built on top of the fleet (push-latency histograms, quorum health,
 * drain tracking). Called on gRPC threads, outside the fleet's locks; must not block.
 */
public interface FleetListener {

  default void proxyConnected(String proxyId) {}

  default void proxyDisconnected(String proxyId) {}

  /** A proxy ACKed a version; {@code pushLatency} runs from the send to the ACK's arrival. */
  default void snapshotAcked(String proxyId, long version, Duration pushLatency) {}

  default void snapshotNacked(String proxyId, long version, String reason) {}

  /** A stats report, already stripped of entries for pools that do not exist. */
  default void statsReported(String proxyId, StatsReport report) {}
}
