package dev.weir.cli;

import dev.weir.cli.args.HostPort;
import dev.weir.cli.controlplane.Connection;
import dev.weir.cli.controlplane.Connector;
import dev.weir.cli.session.Console;
import io.grpc.Channel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs weirctl in-process with a chosen environment and clock, capturing what it prints. The
 * connection always goes to the given channel; the address weirctl would have dialled is recorded.
 */
public final class CliRunner {

  private final Channel channel;
  private final Map<String, String> environment = new HashMap<>();
  private final List<HostPort> dialled = new CopyOnWriteArrayList<>();
  private Clock clock = Clock.systemUTC();
  private Console console = Console.script();
  private Connector connector;

  CliRunner(Channel channel) {
    this.channel = channel;
    this.connector =
        address -> {
          dialled.add(address);
          return Connection.borrowing(this.channel);
        };
  }

  public CliRunner withEnvironment(String name, String value) {
    environment.put(name, value);
    return this;
  }

  public CliRunner withClock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Where weirctl thinks it runs: a terminal or a script, and how it sleeps between polls. */
  public CliRunner withConsole(Console console) {
    this.console = console;
    return this;
  }

  public CliRunner withConnector(Connector connector) {
    this.connector = connector;
    return this;
  }

  /** The addresses weirctl connected to, in order. */
  public List<HostPort> dialled() {
    return List.copyOf(dialled);
  }

  public Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        new Weirctl(
                environment::get,
                connector,
                clock,
                console,
                new PrintWriter(out),
                new PrintWriter(err))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {

    public List<String> errLines() {
      return err.lines().toList();
    }

    public List<String> outLines() {
      return out.lines().toList();
    }
  }
}
