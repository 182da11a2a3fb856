package dev.weir.bench.control;

import java.util.Arrays;
import java.util.List;

/** A control plane's {@code host:port}, as the script passes it. */
record HostPort(String host, int port) {
  static HostPort parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected HOST:PORT, got " + hostPort);
    }
    return new HostPort(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** A comma-separated list of {@code host:port}. */
  static List<HostPort> parseList(String list) {
    return Arrays.stream(list.split(",")).map(HostPort::parse).toList();
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
