package dev.weir.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback ports for pools, whose listen address a snapshot must name before anything binds. */
public final class FreePort {

  // The kernel picks bind(0)'s port at random, so two probes in a row can get the same one: a
  // test's "dead" backend then turned out to be its own proxy's listener. Never twice per JVM.
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /**
   * A port on 127.0.0.1 that was free a moment ago and that this method has not returned before.
   * Another process could still take it before the test binds it.
   */
  public static int find() {
    for (int attempt = 0; attempt < 100; attempt++) {
      int port = probe();
      if (HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("100 probes found only ports handed out already");
  }

  private static int probe() {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
