package dev.weir.cli.controlplane;

import dev.weir.cli.args.HostPort;

/** Opens a connection to the control plane at an address; tests hand in an in-process one. */
@FunctionalInterface
public interface Connector {

  Connection connect(HostPort address);

  /** The same, securing the channel as {@code tls} says; connectors without a network ignore it. */
  default Connection connect(HostPort address, ClientTls tls) {
    return connect(address);
  }
}
