package dev.weir.control.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** How the control plane writes the address a call came from, in logs and revisions. */
public final class PeerAddress {

  private PeerAddress() {}

  /** An address as {@code host:port}, IPv6 hosts in brackets. */
  public static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    return address != null ? address.toString() : "unknown address";
  }
}
