package dev.weir.proxy.listen;

import dev.weir.proxy.relay.ConnectionLease;
import io.netty.channel.Channel;
import java.util.List;

/**
 * The pools of a listener that several share, found by what each client sends first (an HTTP
 * CONNECT request, a TLS ClientHello). Immutable, built per config version and read by the event
 * loops without locks.
 */
interface SharedRoutes {

  /** The pools, in config order. */
  List<PoolRuntime> pools();

  /** The listener's cap on open connections, which its pools agree on. */
  int maxConnections();

  /** Adds the stage that reads what the client sends first and then picks the pool. */
  void addFirstStage(Channel client, ConnectionLease lease);
}
