package dev.weir.proxy.listen;

import dev.weir.proxy.relay.ConnectRequestHandler;
import dev.weir.proxy.relay.ConnectTargets;
import dev.weir.proxy.relay.ConnectionLease;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.relay.RelaySettings;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The pools of one HTTP CONNECT listener by the targets they answer to. Immutable, built per config
 * version and read by the event loops without locks; each lookup takes the pool's picker and relay
 * settings of that moment, as a plain listener does at accept.
 *
 * @param maxConnections the listener's cap, which its pools agree on
 * @param headTimeout the first pool's: it applies before the pool is known
 */
record ConnectRoutes(
    Map<String, PoolRuntime> byAuthority,
    List<PoolRuntime> pools,
    int maxConnections,
    Duration headTimeout)
    implements SharedRoutes, ConnectTargets {

  ConnectRoutes {
    byAuthority = Map.copyOf(byAuthority);
    pools = List.copyOf(pools);
  }

  @Override
  public void addFirstStage(Channel client, ConnectionLease lease) {
    client.pipeline().addLast(ConnectRequestHandler.NAME, new ConnectRequestHandler(this, lease));
  }

  @Override
  public FrontendHandler frontendFor(String authority, Channel client, ConnectionLease lease) {
    PoolRuntime pool = byAuthority.get(authority);
    if (pool == null) {
      return null;
    }
    RelaySettings relay = pool.relay();
    relay.configureClient(client);
    return ConnectTargets.tunnel(pool.picker(), relay, lease);
  }
}
