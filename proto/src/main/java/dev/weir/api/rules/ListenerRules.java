package dev.weir.api.rules;

import dev.weir.api.v1.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pools may share a listen port: only pools in HTTP CONNECT mode, on the same listen
 * address, agreeing on what one socket can only do one way (its connection cap), and with no
 * CONNECT target claimed twice. Anything else is a port clash, as between any two plain pools.
 * For pools whose listen addresses and authorities were checked already.
 */
final class ListenerRules {

  private ListenerRules() {}

  static void check(List<Pool> pools) throws RuleViolation {
    Map<Integer, Pool> firstOnPort = new HashMap<>();
    Map<Integer, Map<String, String>> authoritiesOnPort = new HashMap<>();
    for (Pool pool : pools) {
      int port = listen(pool).port();
      Pool first = firstOnPort.putIfAbsent(port, pool);
      if (first != null) {
        checkPair(first, pool, port);
      }
      Map<String, String> owners = authoritiesOnPort.computeIfAbsent(port, p -> new HashMap<>());
      for (String authority : SnapshotRules.connectAuthorities(pool)) {
        String owner = owners.putIfAbsent(authority, pool.getName());
        if (owner != null) {
          throw new RuleViolation("pools " + owner + " and " + pool.getName()
              + " share listen port " + port + " and both answer to \"" + authority
              + "\" (settings.http_connect.authorities); a CONNECT target must be unique across"
              + " the pools of one listen address");
        }
      }
    }
  }

  /** {@code first} already holds the port {@code next} wants. */
  private static void checkPair(Pool first, Pool next, int port) throws RuleViolation {
    String both = "pools " + first.getName() + " and " + next.getName();
    if (!first.getSettings().getHttpConnect().getEnabled()
        || !next.getSettings().getHttpConnect().getEnabled()) {
      throw new RuleViolation(both + " both listen on port " + port + "; only pools"
          + " with settings.http_connect.enabled may share a listen port");
    }
    String firstHost = listen(first).host();
    String nextHost = listen(next).host();
    if (!firstHost.equals(nextHost)) {
      throw new RuleViolation(both + " share listen port " + port + " on different"
          + " hosts (\"" + firstHost + "\" and \"" + nextHost + "\"); pools"
          + " sharing a port must have the same listen address");
    }
    long a = Integer.toUnsignedLong(first.getSettings().getLimits().getMaxConnections());
    long b = Integer.toUnsignedLong(next.getSettings().getLimits().getMaxConnections());
    if (a != b) {
      throw new RuleViolation(both + " share listen port " + port + " but differ in"
          + " settings.limits.max_connections (" + a + " and " + b + "); pools sharing a"
          + " listener must agree on it");
    }
  }

  private static Address listen(Pool pool) throws RuleViolation {
    return Address.parse("pool " + pool.getName() + ": listen", pool.getListen(), true);
  }
}
