package dev.weir.cli.connect;

import dev.weir.cli.args.HostPort;

/** Opens a connection to the control plane at an address; tests hand in an in-process one. */
@FunctionalInterface
public interface Connector {

  Connection connect(HostPort address);
}
