package dev.weir.proxy.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pools may share a listen port: only pools in HTTP CONNECT mode, on the same listen
 * address, agreeing on what one socket can only do one way (its connection cap), and with no
 * CONNECT target claimed twice. Anything else is a port clash, as between any two plain pools.
 */
final class SharedListeners {

  private SharedListeners() {}

  static void check(List<PoolConfig> pools) throws InvalidConfigException {
    Map<Integer, PoolConfig> firstOnPort = new HashMap<>();
    Map<Integer, Map<String, String>> authoritiesOnPort = new HashMap<>();
    for (PoolConfig pool : pools) {
      PoolConfig first = firstOnPort.putIfAbsent(pool.listenPort(), pool);
      if (first != null) {
        checkPair(first, pool);
      }
      Map<String, String> owners =
          authoritiesOnPort.computeIfAbsent(pool.listenPort(), p -> new HashMap<>());
      for (String authority : pool.connectAuthorities()) {
        String owner = owners.putIfAbsent(authority, pool.name());
        if (owner != null) {
          throw new InvalidConfigException("pools " + owner + " and " + pool.name()
              + " share listen port " + pool.listenPort() + " and both answer to \"" + authority
              + "\" (settings.http_connect.authorities); a CONNECT target must be unique across"
              + " the pools of one listen address");
        }
      }
    }
  }

  /** {@code first} already holds the port {@code next} wants. */
  private static void checkPair(PoolConfig first, PoolConfig next)
      throws InvalidConfigException {
    String both = "pools " + first.name() + " and " + next.name();
    int port = next.listenPort();
    if (!first.httpConnect() || !next.httpConnect()) {
      throw new InvalidConfigException(both + " both listen on port " + port + "; only pools"
          + " with settings.http_connect.enabled may share a listen port");
    }
    if (!first.listenHost().equals(next.listenHost())) {
      throw new InvalidConfigException(both + " share listen port " + port + " on different"
          + " hosts (\"" + first.listenHost() + "\" and \"" + next.listenHost() + "\"); pools"
          + " sharing a port must have the same listen address");
    }
    int a = first.options().maxConnections();
    int b = next.options().maxConnections();
    if (a != b) {
      throw new InvalidConfigException(both + " share listen port " + port + " but differ in"
          + " settings.limits.max_connections (" + a + " and " + b + "); pools sharing a"
          + " listener must agree on it");
    }
  }
}
