package dev.weir.proxy.config;

import dev.weir.api.v1.Algorithm;
import java.util.List;

/**
 * One pool as the proxy uses it.
 *
 * @param listenHost the host part of the pool's listen address; empty means all interfaces
 */
public record PoolConfig(
    String name, String listenHost, int listenPort, Algorithm algorithm,
    List<BackendConfig> backends, PoolOptions options) {

  public PoolConfig {
    backends = List.copyOf(backends);
  }
}
