package dev.weir.control.pool;

/**
 * What the fleet says about a backend's health, as far as guards need it: a guard counts only
 * ACTIVE backends that are not unhealthy fleet-wide.
 *
 * <p>Plug the fleet's quorum view in with {@link PoolRegistry#setHealthView}. It is asked under the
 * registry's lock, once per backend of each pool a change touches, so it must answer from memory at
 * once and never block.
 */
@FunctionalInterface
public interface BackendHealthView {

  /** Says no backend is unhealthy: guards then count every ACTIVE backend. */
  BackendHealthView NONE_UNHEALTHY = (pool, address) -> false;

  /**
   * Whether the fleet currently reports the backend unhealthy (by quorum, or held down by flap
   * damping). Unknown pools, backends and verdicts are not unhealthy.
   *
   * @param address the backend's address in normal form, as stored in the pool
   */
  boolean unhealthy(String pool, String address);
}
