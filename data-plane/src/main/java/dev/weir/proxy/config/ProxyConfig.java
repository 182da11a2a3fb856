package dev.weir.proxy.config;

import java.util.List;

/** A validated snapshot: what the proxy serves, all of it or nothing. */
public record ProxyConfig(long version, List<PoolConfig> pools) {

  public static final ProxyConfig EMPTY = new ProxyConfig(0, List.of());

  public ProxyConfig {
    pools = List.copyOf(pools);
  }
}
