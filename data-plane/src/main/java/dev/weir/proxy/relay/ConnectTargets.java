package dev.weir.proxy.relay;

import dev.weir.proxy.balance.Picker;
import io.netty.channel.Channel;
import java.time.Duration;

/** The pools an HTTP CONNECT listener serves, by the targets they answer to. */
public interface ConnectTargets {

  /**
   * A relay for a client that asked for {@code authority}, with the client's channel set up for
   * that pool; or null when no pool of this listener answers to it.
   *
   * @param authority "host:port" in lower case
   * @param lease what the connection holds, taken when it was accepted
   */
  FrontendHandler frontendFor(String authority, Channel client, ConnectionLease lease);

  /** How long a client may take to send its request head. */
  Duration headTimeout();

  /** The relay for a tunnel to one of these pools, which answers the CONNECT request. */
  static FrontendHandler tunnel(Picker picker, RelaySettings settings, ConnectionLease lease) {
    return new FrontendHandler(
        picker, settings, lease, ConnectRequestHandler.ConnectResponses.INSTANCE);
  }
}
