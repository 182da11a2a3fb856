package dev.weir.cli.session;

import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceStub;
import dev.weir.cli.controlplane.CallerIdentity;
import dev.weir.cli.controlplane.Connection;
import dev.weir.cli.controlplane.Connector;
import dev.weir.cli.output.Output;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * What a command works with. The connection opens on first use, so {@code --help} and {@code
 * version} never touch the network, and it is closed once the command is done.
 */
public final class Session implements AutoCloseable {

  private final GlobalOptions options;
  private final Connector connector;
  private final PrintWriter out;
  private final Clock clock;
  private final Console console;
  private Connection connection;

  public Session(GlobalOptions options, Connector connector, PrintWriter out, Clock clock) {
    this(options, connector, out, clock, Console.script());
  }

  public Session(
      GlobalOptions options, Connector connector, PrintWriter out, Clock clock, Console console) {
    this.options = options;
    this.connector = connector;
    this.out = out;
    this.clock = clock;
    this.console = console;
  }

  /** The AdminService stub, with the {@code --timeout} deadline starting now. */
  public AdminServiceBlockingStub admin() {
    return admin(options.timeout());
  }

  /** The AdminService stub with its own deadline, for calls that wait on purpose. */
  public AdminServiceBlockingStub admin(Duration deadline) {
    return connection().admin(deadline);
  }

  /** The async AdminService stub without a deadline, for Watch streams the command cancels. */
  public AdminServiceStub adminStreams() {
    return connection().adminStreams();
  }

  /** The control plane's address, for headers and messages. */
  public String controlPlane() {
    return options.controlPlane().toString();
  }

  private Connection connection() {
    if (connection == null) {
      connection =
          connector
              .connect(options.controlPlane(), options.tls())
              .identifiedAs(new CallerIdentity(options.caller()))
              .authenticatedWith(options.token());
    }
    return connection;
  }

  /** The {@code --timeout} every call gets. */
  public Duration timeout() {
    return options.timeout();
  }

  public Output output() {
    return new Output(options.output(), out);
  }

  public Clock clock() {
    return clock;
  }

  public Console console() {
    return console;
  }

  /** Where progress lines go; results go through {@link #output()}. */
  public PrintWriter out() {
    return out;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
      connection = null;
    }
  }
}
