package dev.weir.proxy.relay;

import java.net.InetSocketAddress;

/**
 * Who the client is and what it connected to, as a stage in front of the relay learned it (a PROXY
 * header) rather than the socket says. Fired as a user event before the relay starts.
 */
record ClientAddresses(InetSocketAddress client, InetSocketAddress destination) {}
