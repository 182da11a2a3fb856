package dev.weir.cli.session;

import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.cli.connect.Connection;
import dev.weir.cli.connect.Connector;
import dev.weir.cli.output.Output;
import java.io.PrintWriter;
import java.time.Clock;

/**
 * What a command works with. The connection opens on first use, so {@code --help} and {@code
 * version} never touch the network, and it is closed once the command is done.
 */
public final class Session implements AutoCloseable {

  private final GlobalOptions options;
  private final Connector connector;
  private final PrintWriter out;
  private final Clock clock;
  private Connection connection;

  public Session(GlobalOptions options, Connector connector, PrintWriter out, Clock clock) {
    this.options = options;
    this.connector = connector;
    this.out = out;
    this.clock = clock;
  }

  /** The AdminService stub, with the {@code --timeout} deadline starting now. */
  public AdminServiceBlockingStub admin() {
    if (connection == null) {
      connection = connector.connect(options.controlPlane());
    }
    return connection.admin(options.timeout());
  }

  public Output output() {
    return new Output(options.output(), out);
  }

  public Clock clock() {
    return clock;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }
}
