package dev.weir.proxy.listen;

import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.config.TlsRoutingConfig;
import dev.weir.proxy.relay.ConnectionLease;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.relay.PostgresSslRequestHandler;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.relay.ServerNameHandler;
import dev.weir.proxy.relay.ServerNameTargets;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pools of one TLS routing listener by the server names they answer to: an exact name first,
 * then the wildcard with the longest suffix, then the default pool. Immutable, built per config
 * version and read by the event loops without locks; each lookup takes the pool's picker and relay
 * settings of that moment, as a plain listener does at accept.
 *
 * @param exact pools by exact name ("db.example.com")
 * @param wildcards pools by the suffix their wildcard stands for (".example.com" for
 *     "*.example.com")
 * @param fallback the default pool; null if there is none
 * @param clientHelloTimeout the pools': they agree on it, as it applies before the pool is known
 * @param postgresPools the pools whose clients are PostgreSQL's: while there are any, the listener
 *     answers SSLRequests, and a client that sent one goes to one of these only
 */
record ServerNameRoutes(
    Map<String, PoolRuntime> exact,
    Map<String, PoolRuntime> wildcards,
    PoolRuntime fallback,
    List<PoolRuntime> pools,
    int maxConnections,
    Duration clientHelloTimeout,
    Set<PoolRuntime> postgresPools)
    implements SharedRoutes, ServerNameTargets {

  /** No DNS name is longer; a longer one matches nothing, and costs no search. */
  private static final int MAX_NAME_LENGTH = 253;

  ServerNameRoutes {
    exact = Map.copyOf(exact);
    wildcards = Map.copyOf(wildcards);
    pools = List.copyOf(pools);
    postgresPools = Set.copyOf(postgresPools);
  }

  /**
   * @param configs the pools of one listen address, all with tls_routing on (checked: names unique,
   *     at most one default, the same timeout and cap)
   * @param runtimes their runtimes, in the same order
   */
  static ServerNameRoutes of(List<PoolConfig> configs, List<PoolRuntime> runtimes) {
    Map<String, PoolRuntime> exact = new HashMap<>();
    Map<String, PoolRuntime> wildcards = new HashMap<>();
    PoolRuntime fallback = null;
    Set<PoolRuntime> postgres = new HashSet<>();
    for (int i = 0; i < configs.size(); i++) {
      TlsRoutingConfig routing = configs.get(i).tlsRouting();
      PoolRuntime runtime = runtimes.get(i);
      if (routing.postgres()) {
        postgres.add(runtime);
      }
      for (String name : routing.serverNames()) {
        if (name.startsWith("*.")) {
          wildcards.put(name.substring(1), runtime);
        } else {
          exact.put(name, runtime);
        }
      }
      if (routing.defaultPool()) {
        fallback = runtime;
      }
    }
    PoolConfig first = configs.get(0);
    return new ServerNameRoutes(
        exact,
        wildcards,
        fallback,
        runtimes,
        first.options().maxConnections(),
        first.tlsRouting().clientHelloTimeout(),
        postgres);
  }

  @Override
  public void addFirstStage(Channel client, ConnectionLease lease) {
    if (!postgresPools.isEmpty()) {
      client
          .pipeline()
          .addLast(PostgresSslRequestHandler.NAME, new PostgresSslRequestHandler(lease));
    }
    client.pipeline().addLast(ServerNameHandler.NAME, new ServerNameHandler(this, lease));
  }

  @Override
  public FrontendHandler frontendFor(String serverName, Channel client, ConnectionLease lease) {
    PoolRuntime pool = route(serverName);
    if (pool == null
        || !postgresPools.isEmpty()
            && PostgresSslRequestHandler.sslRequested(client)
            && !postgresPools.contains(pool)) {
      return null; // a backend that is no PostgreSQL server would not understand the request
    }
    RelaySettings relay = pool.relay();
    relay.configureClient(client);
    return new FrontendHandler(pool.picker(), relay, lease);
  }

  /** The pool for {@code serverName} (lower case, or null for none); null if none takes it. */
  PoolRuntime route(String serverName) {
    if (serverName == null || serverName.length() > MAX_NAME_LENGTH + 1) {
      return fallback;
    }
    String name =
        serverName.endsWith(".") ? serverName.substring(0, serverName.length() - 1) : serverName;
    PoolRuntime pool = exact.get(name);
    if (pool != null || wildcards.isEmpty()) {
      return pool != null ? pool : fallback;
    }
    // The leftmost dot gives the longest suffix, so the first match is the most specific.
    for (int dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
      pool = wildcards.get(name.substring(dot));
      if (pool != null) {
        return pool;
      }
    }
    return fallback;
  }
}
