package dev.weir.control.admin;

import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.wire.ProxyId;
import dev.weir.control.pool.ConfigRules;
import dev.weir.control.pool.Pools;
import io.grpc.Status;
import java.util.List;
import java.util.regex.Pattern;

/** Checks ListConnections and CloseConnection requests; errors name the field and the rule. */
final class ConnectionRequests {
  static final int DEFAULT_LIMIT = 1000;
  static final int MAX_LIMIT = 10_000;
  private static final Pattern SEQUENCE = Pattern.compile("[0-9]{1,19}");

  private ConnectionRequests() {}

  /** Checked filters: empty strings mean any; the backend normalised as pools store it. */
  record Filters(String pool, String backend, String proxy, int limit) {}

  record ConnectionId(String proxyId, long sequence) {}

  static Filters filters(ListConnectionsRequest request, List<Pool> pools) {
    String pool = request.getPool();
    if (!pool.isEmpty()) {
      Pools.require(pools, ConfigRules.poolName(pool));
    }
    String backend = request.getBackend();
    if (!backend.isEmpty()) {
      backend = ConfigRules.backendAddress(backend);
    }
    String proxy = request.getProxy();
    if (!proxy.isEmpty() && !ProxyId.isValid(proxy)) {
      throw Status.INVALID_ARGUMENT
          .withDescription(ProxyId.problem("proxy", proxy).get() + ", as 'weirctl proxies' shows")
          .asRuntimeException();
    }
    int limit = request.getLimit();
    if (limit < 0 || limit > MAX_LIMIT) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "limit must be 0.."
                  + MAX_LIMIT
                  + " (0 means "
                  + DEFAULT_LIMIT
                  + "), got "
                  + Integer.toUnsignedString(limit))
          .asRuntimeException();
    }
    return new Filters(pool, backend, proxy, limit == 0 ? DEFAULT_LIMIT : limit);
  }

  static ConnectionId id(String id) {
    int slash = id.lastIndexOf('/');
    String proxy = slash < 0 ? "" : id.substring(0, slash);
    String sequence = slash < 0 ? "" : id.substring(slash + 1);
    if (!ProxyId.isValid(proxy) || !SEQUENCE.matcher(sequence).matches()) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "id \""
                  + id
                  + "\" is invalid: use "
                  + "PROXY-ID/SEQUENCE as 'weirctl connections' shows it, e.g. "
                  + "\"edge-1/1763700000000000\"")
          .asRuntimeException();
    }
    long parsed;
    try {
      parsed = Long.parseLong(sequence);
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "id \"" + id + "\" is invalid: the sequence " + "must be at most " + Long.MAX_VALUE)
          .asRuntimeException();
    }
    return new ConnectionId(proxy, parsed);
  }
}
