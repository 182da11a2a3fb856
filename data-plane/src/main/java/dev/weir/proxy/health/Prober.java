package dev.weir.proxy.health;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import io.netty.util.concurrent.Future;

/** Sends one health probe to a backend. */
interface Prober {

  /**
   * Starts a probe of {@code backend}.
   *
   * @return completes with true when the backend passed and false when it failed or did not answer
   *     within the timeout; cancelling it abandons the probe and closes its connection
   */
  Future<Boolean> probe(BackendConfig backend, HealthCheckOptions options);
}
