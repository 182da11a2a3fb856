package dev.weir.control.pool;

import dev.weir.api.v1.Pool;
import dev.weir.api.wire.HostPort;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Listen ports are unique across pools, except that pools in HTTP CONNECT mode may share one (and
 * pools routing TLS by server name, whose own rules SnapshotRules checks): on the same listen
 * address, agreeing on the listener's connection cap (one socket has one), and each CONNECT target
 * ("host:port") claimed by one pool of the address only. The proxies check the same rules
 * (SnapshotRules, also the final gate before every commit).
 */
final class ListenerSharing {

  private ListenerSharing() {}

  /**
   * @param changed the pool being created or changed, so a clash names the other one; null when a
   *     whole configuration (restore, import) is checked
   */
  static void check(List<Pool> pools, String changed) {
    Map<Integer, Pool> firstOnPort = new HashMap<>();
    Map<Integer, Map<String, String>> ownersOnPort = new HashMap<>();
    for (Pool pool : pools) {
      HostPort listen = HostPort.parse(pool.getListen());
      Pool first = firstOnPort.putIfAbsent(listen.port(), pool);
      if (first != null) {
        checkPair(first, pool, listen.port(), changed);
      }
      if (!pool.getSettings().getHttpConnect().getEnabled()) {
        continue;
      }
      Map<String, String> owners =
          ownersOnPort.computeIfAbsent(listen.port(), p -> new HashMap<>());
      for (String authority : authorities(pool, listen.port())) {
        String owner =
            owners.putIfAbsent(authority.toLowerCase(java.util.Locale.ROOT), pool.getName());
        if (owner != null) {
          throw ConfigRules.invalid(
              "settings.http_connect.authorities: pools \""
                  + owner
                  + "\" and \""
                  + pool.getName()
                  + "\" share listen port "
                  + listen.port()
                  + " and both answer to \""
                  + authority
                  + "\"; a CONNECT target must be unique"
                  + " across the pools of one listen address");
        }
      }
    }
  }

  /** The targets a CONNECT pool answers to: those listed, else its name and listen port. */
  static List<String> authorities(Pool pool, int port) {
    List<String> listed = pool.getSettings().getHttpConnect().getAuthoritiesList();
    return listed.isEmpty() ? List.of(pool.getName() + ":" + port) : listed;
  }

  private static void checkPair(Pool first, Pool next, int port, String changed) {
    String both = "pools \"" + first.getName() + "\" and \"" + next.getName() + "\"";
    boolean connect =
        first.getSettings().getHttpConnect().getEnabled()
            && next.getSettings().getHttpConnect().getEnabled();
    boolean tls =
        first.getSettings().getTlsRouting().getEnabled()
            && next.getSettings().getTlsRouting().getEnabled();
    if (!connect && !tls) {
      String clash =
          changed == null
              ? "listen port " + port + " is used by " + both
              : "listen port "
                  + port
                  + " is already used by pool \""
                  + (first.getName().equals(changed) ? next.getName() : first.getName())
                  + "\"";
      throw alreadyExists(
          clash
              + "; only pools that all set settings.http_connect.enabled, or"
              + " all set settings.tls_routing.enabled, may share a listen port");
    }
    if (!HostPort.parse(first.getListen()).equals(HostPort.parse(next.getListen()))) {
      throw ConfigRules.invalid(
          "listen: "
              + both
              + " share port "
              + port
              + " on different"
              + " addresses (\""
              + first.getListen()
              + "\" and \""
              + next.getListen()
              + "\"); pools"
              + " sharing a port must have the same listen address");
    }
    long a = Integer.toUnsignedLong(first.getSettings().getLimits().getMaxConnections());
    long b = Integer.toUnsignedLong(next.getSettings().getLimits().getMaxConnections());
    if (a != b) {
      throw ConfigRules.invalid(
          "settings.limits.max_connections: "
              + both
              + " share listen"
              + " port "
              + port
              + " but set "
              + a
              + " and "
              + b
              + "; pools sharing a listener must"
              + " agree on it (0: unlimited)");
    }
  }

  private static StatusRuntimeException alreadyExists(String description) {
    return Status.ALREADY_EXISTS.withDescription(description).asRuntimeException();
  }
}
