package dev.weir.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for pools, whose listen address a snapshot must name before anything binds. */
public final class FreePort {

  private FreePort() {}

  /**
   * A port on 127.0.0.1 that was free a moment ago. Another process could take it before the
   * test binds it; the kernel hands out ephemeral ports in turn, so that is rare.
   */
  public static int find() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
