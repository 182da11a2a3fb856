package dev.weir.proxy.listen;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * Finds out whether another socket already listens on an address, before the proxy binds its own
 * SO_REUSEPORT sockets there: with SO_REUSEPORT the kernel would let them share the port with
 * another program's listener (of the same user) and spread the clients between both, so most
 * connections would go to a program that is not this proxy.
 *
 * <p>The probe binds one plain socket, without SO_REUSEPORT, and closes it at once: on Linux that
 * fails with EADDRINUSE whenever anything listens on the port, SO_REUSEPORT or not, while
 * connections in TIME_WAIT do not stop it (SO_REUSEADDR). Another program could still take the port
 * between the probe and the bind; that window is a few system calls wide.
 */
final class PortProbe {

  private PortProbe() {}

  /**
   * Why the proxy must not listen on {@code address}, or null if nothing else listens there.
   *
   * @throws IOException if the probe cannot be made for another reason (no such address here, say):
   *     binding the real sockets would fail the same way and say why
   */
  static String foreignListener(InetSocketAddress address) throws IOException {
    if (mayShareWithHandover(address)) {
      return null;
    }
    StandardProtocolFamily family =
        address.getAddress() instanceof Inet4Address
            ? StandardProtocolFamily.INET
            : StandardProtocolFamily.INET6;
    try (ServerSocketChannel probe = ServerSocketChannel.open(family)) {
      probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      probe.bind(address, 1);
      return null;
    } catch (BindException e) {
      return "another program already listens on this port (SO_REUSEPORT would share it)";
    }
  }

  /**
   * The seam for upgrades in place: a new Weir proxy taking over from the old one on the same host
   * will share the port with it on purpose, each accepting until the old one drains. That hand-over
   * does not exist yet, so no listener may be shared.
   */
  private static boolean mayShareWithHandover(InetSocketAddress address) {
    return false;
  }
}
