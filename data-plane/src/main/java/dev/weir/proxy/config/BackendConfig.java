package dev.weir.proxy.config;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One backend as the proxy uses it.
 *
 * @param address the address as configured ("host:port"), which identifies the backend in stats
 * @param socketAddress where to connect; unresolved when the host is a name, so it is looked up at
 *     connect time rather than once per config
 * @param effectiveWeight the weight the control plane derived from what the fleet reports (pools
 *     with adaptive weights), 1..1000; 0 when it set none
 * @param drainDeadline when a fleet-wide drain ends: the backend's remaining connections are closed
 *     then, if the pool's drain timeout has not closed them first; null when the backend is not
 *     draining or the drain has no deadline
 */
public record BackendConfig(
    String address,
    InetSocketAddress socketAddress,
    int weight,
    boolean draining,
    int effectiveWeight,
    Instant drainDeadline) {

  /** A backend balanced by its configured weight, without a drain deadline. */
  public BackendConfig(
      String address, InetSocketAddress socketAddress, int weight, boolean draining) {
    this(address, socketAddress, weight, draining, 0, null);
  }

  /** The weight to balance by: the effective weight when the control plane set one. */
  public int balanceWeight() {
    return effectiveWeight != 0 ? effectiveWeight : weight;
  }
}
