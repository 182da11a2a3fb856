package dev.weir.proxy.relay;

import io.netty.channel.Channel;

/** The pools an HTTP CONNECT listener serves, by the targets they answer to. */
public interface ConnectTargets {

  /**
   * A relay for a client that asked for {@code authority}, with the client's channel set up for
   * that pool; or null when no pool of this listener answers to it.
   *
   * @param authority "host:port" in lower case
   * @param sequence the connection's number on this proxy, given when it was accepted
   */
  FrontendHandler frontendFor(String authority, Channel client, long sequence);
}
