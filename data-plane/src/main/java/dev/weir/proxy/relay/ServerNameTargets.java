package dev.weir.proxy.relay;

import io.netty.channel.Channel;
import java.time.Duration;

/** The pools a TLS routing listener serves, by the server names they answer to. */
public interface ServerNameTargets {

  /**
   * A relay for a client whose ClientHello named {@code serverName}, with the client's channel set
   * up for that pool; or null when no pool of this listener takes it.
   *
   * @param serverName in lower case; null when the ClientHello carries none
   * @param lease what the connection holds, taken when it was accepted
   */
  FrontendHandler frontendFor(String serverName, Channel client, ConnectionLease lease);

  /** How long a client may take to send its ClientHello. */
  Duration clientHelloTimeout();
}
