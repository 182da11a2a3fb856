package dev.weir.api.rules;

import dev.weir.api.v1.Pool;
import dev.weir.api.v1.TlsRouting;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which pools may share a listen port: only pools that route by what the client sends first, all in
 * the same way (HTTP CONNECT, or TLS by server name), on the same listen address, agreeing on what
 * one socket can only do one way (its connection cap; for TLS routing also the ClientHello timeout,
 * which runs before the pool is known), with no CONNECT target or server name claimed twice and at
 * most one default pool. Anything else is a port clash, as between any two plain pools. For pools
 * whose listen addresses, authorities and server names were checked already.
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
      if (pool.getSettings().getTlsRouting().getEnabled()) {
        serverNames(pool, port, owners);
        continue;
      }
      for (String authority : SnapshotRules.connectAuthorities(pool)) {
        String owner = owners.putIfAbsent(authority, pool.getName());
        if (owner != null) {
          throw new RuleViolation(
              "pools "
                  + owner
                  + " and "
                  + pool.getName()
                  + " share listen port "
                  + port
                  + " and both answer to \""
                  + authority
                  + "\" (settings.http_connect.authorities); a CONNECT target must be unique across"
                  + " the pools of one listen address");
        }
      }
    }
  }

  /** Claims the pool's server names (and the default, as "") on its port in {@code owners}. */
  private static void serverNames(Pool pool, int port, Map<String, String> owners)
      throws RuleViolation {
    if (pool.getSettings().getTlsRouting().getDefaultPool()) {
      String owner = owners.putIfAbsent("", pool.getName());
      if (owner != null) {
        throw new RuleViolation(
            "pools "
                + owner
                + " and "
                + pool.getName()
                + " share listen"
                + " port "
                + port
                + " and both set settings.tls_routing.default_pool; at most one"
                + " pool of a listen address may be its default");
      }
    }
    for (String name : SnapshotRules.serverNames(pool)) {
      String owner = owners.putIfAbsent(name, pool.getName());
      if (owner != null) {
        throw new RuleViolation(
            "pools "
                + owner
                + " and "
                + pool.getName()
                + " share listen"
                + " port "
                + port
                + " and both answer to \""
                + name
                + "\""
                + " (settings.tls_routing.server_names); a server name must be unique across the"
                + " pools of one listen address");
      }
    }
  }

  /** {@code first} already holds the port {@code next} wants. */
  private static void checkPair(Pool first, Pool next, int port) throws RuleViolation {
    String both = "pools " + first.getName() + " and " + next.getName();
    boolean connect =
        first.getSettings().getHttpConnect().getEnabled()
            && next.getSettings().getHttpConnect().getEnabled();
    TlsRouting firstTls = first.getSettings().getTlsRouting();
    TlsRouting nextTls = next.getSettings().getTlsRouting();
    boolean tls = firstTls.getEnabled() && nextTls.getEnabled();
    if (!connect && !tls) {
      throw new RuleViolation(
          both
              + " both listen on port "
              + port
              + "; only pools that all"
              + " set settings.http_connect.enabled, or all set settings.tls_routing.enabled, may"
              + " share a listen port");
    }
    if (tls
        && !TlsRoutingRules.clientHelloTimeout(firstTls)
            .equals(TlsRoutingRules.clientHelloTimeout(nextTls))) {
      throw new RuleViolation(
          both
              + " share listen port "
              + port
              + " but differ in"
              + " settings.tls_routing.client_hello_timeout ("
              + TlsRoutingRules.clientHelloTimeout(firstTls)
              + " and "
              + TlsRoutingRules.clientHelloTimeout(nextTls)
              + "); pools sharing"
              + " a listener must agree on it");
    }
    String firstHost = listen(first).host();
    String nextHost = listen(next).host();
    if (!firstHost.equals(nextHost)) {
      throw new RuleViolation(
          both
              + " share listen port "
              + port
              + " on different"
              + " hosts (\""
              + firstHost
              + "\" and \""
              + nextHost
              + "\"); pools"
              + " sharing a port must have the same listen address");
    }
    long a = Integer.toUnsignedLong(first.getSettings().getLimits().getMaxConnections());
    long b = Integer.toUnsignedLong(next.getSettings().getLimits().getMaxConnections());
    if (a != b) {
      throw new RuleViolation(
          both
              + " share listen port "
              + port
              + " but differ in"
              + " settings.limits.max_connections ("
              + a
              + " and "
              + b
              + "); pools sharing a"
              + " listener must agree on it");
    }
  }

  private static Address listen(Pool pool) throws RuleViolation {
    return Address.parse("pool " + pool.getName() + ": listen", pool.getListen(), true);
  }
}
