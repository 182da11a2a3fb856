package dev.weir.proxy.balance;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.stats.BackendCounters;

/**
 * A backend a picker can choose, with the counters the relay updates for it.
 *
 * @param weight the weight to balance by now: the effective one when the control plane set one,
 *     else the configured one, or less while slow start ramps the backend up; at least 1
 */
public record Upstream(BackendConfig config, BackendCounters counters, int weight) {

  public Upstream(BackendConfig config, BackendCounters counters) {
    this(config, counters, config.balanceWeight());
  }
}
