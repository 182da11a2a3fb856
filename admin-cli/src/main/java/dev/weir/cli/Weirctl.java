package dev.weir.cli;

import dev.weir.cli.backend.BackendCommand;
import dev.weir.cli.completion.CandidatesCommand;
import dev.weir.cli.completion.CompletionCommand;
import dev.weir.cli.config.ApplyCommand;
import dev.weir.cli.config.ExportCommand;
import dev.weir.cli.config.GetCommand;
import dev.weir.cli.config.ImportCommand;
import dev.weir.cli.connection.ConnectionsCommand;
import dev.weir.cli.controlplane.Connection;
import dev.weir.cli.controlplane.Connector;
import dev.weir.cli.controlplane.ControlPlaneChannels;
import dev.weir.cli.fleet.FleetCommand;
import dev.weir.cli.history.DiffCommand;
import dev.weir.cli.history.HistoryCommand;
import dev.weir.cli.history.RollbackCommand;
import dev.weir.cli.pool.PoolCommand;
import dev.weir.cli.proxy.ProxiesCommand;
import dev.weir.cli.session.Console;
import dev.weir.cli.session.GlobalOptions;
import dev.weir.cli.session.Session;
import dev.weir.cli.status.StatusCommand;
import dev.weir.cli.status.TopCommand;
import dev.weir.cli.status.WatchCommand;
import io.grpc.Channel;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/** {@code weirctl}: the operators' command line over the v1 AdminService. */
@Command(
    name = "weirctl",
    description = "Administers a Weir load balancer through its control plane.",
    mixinStandardHelpOptions = true,
    versionProvider = WeirctlVersion.class,
    subcommands = {
      PoolCommand.class,
      BackendCommand.class,
      ProxiesCommand.class,
      ConnectionsCommand.class,
      HistoryCommand.class,
      DiffCommand.class,
      RollbackCommand.class,
      FleetCommand.class,
      StatusCommand.class,
      WatchCommand.class,
      TopCommand.class,
      GetCommand.class,
      ApplyCommand.class,
      ExportCommand.class,
      ImportCommand.class,
      CompletionCommand.class,
      CandidatesCommand.class,
      VersionCommand.class
    },
    footer = {
      "%nOutput:",
      "  -o table (default) prints aligned columns, or one confirmation line for a",
      "  change. It is meant for people and may change between releases.",
      "  -o json prints the control plane's response message as proto3 JSON, for",
      "  every command including changes: the stable interface for scripts. Field",
      "  names are the API's, in lowerCamelCase; 64-bit numbers are JSON numbers;",
      "  enums are API names such as ROUND_ROBIN and DRAINING. Pools, backends and",
      "  their settings have only the fields that are set (unset means the default);",
      "  every other message has all its fields, 0 and false included. Errors go to",
      "  stderr as one line starting with 'error: ' (control characters escaped), and",
      "  stdout stays empty. -o yaml prints the same as YAML.",
      "%nChanges:",
      "  Every command that changes the configuration takes --dry-run (print what",
      "  would change, change nothing), --force (override the pool's guards) and",
      "  --wait (return once every connected proxy applied it). Each change is a",
      "  revision: see 'weirctl history', 'weirctl diff' and 'weirctl rollback'.",
      "%nExamples:",
      "  weirctl pool create web --listen :8080 --backend 10.0.0.5:80",
      "  weirctl backend drain web 10.0.0.5:80 --deadline 30s --wait",
      "  weirctl backend remove web 10.0.0.5:80 --dry-run",
      "  weirctl history --limit 10",
      "  weirctl connections --pool web",
      "  weirctl --control-plane cp.internal:9900 -o json pool show web",
      "  WEIR_TOKEN_FILE=~/.weir/token weirctl --tls-ca ca.pem --control-plane cp:9900 pool list",
      "%nSecurity:",
      "  --tls-ca, --tls-cert and --tls-key connect with TLS (and a client",
      "  certificate). A bearer token comes from --token-file or $WEIR_TOKEN_FILE, else",
      "  $WEIR_TOKEN, never from the command line, and is only sent over TLS."
    })
public final class Weirctl {

  @Mixin private GlobalOptions options;

  private final Connector connector;
  private final Clock clock;
  private final Console console;
  private final PrintWriter out;
  private final PrintWriter err;

  Weirctl(
      UnaryOperator<String> environment,
      Connector connector,
      Clock clock,
      PrintWriter out,
      PrintWriter err) {
    this(environment, connector, clock, Console.script(), out, err);
  }

  Weirctl(
      UnaryOperator<String> environment,
      Connector connector,
      Clock clock,
      Console console,
      PrintWriter out,
      PrintWriter err) {
    this.options = new GlobalOptions(environment);
    this.connector = connector;
    this.clock = clock;
    this.console = console;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    GrpcLogging.silence();
    PrintWriter out = new PrintWriter(System.out);
    PrintWriter err = new PrintWriter(System.err);
    Connector connector = ControlPlaneChannels.secured("weirctl/" + WeirctlVersion.current());
    int exitCode =
        new Weirctl(System::getenv, connector, Clock.systemUTC(), Console.system(), out, err)
            .execute(args);
    System.exit(exitCode);
  }

  /**
   * Runs one command against {@code channel}, which the caller keeps and closes, and returns the
   * exit code: weirctl without a process, for tests and embedding. The environment is ignored so
   * results do not depend on the caller's shell; {@code --control-plane} only changes messages.
   */
  public static int run(Channel channel, PrintWriter out, PrintWriter err, String... args) {
    Connector borrowed = address -> Connection.borrowing(channel);
    return new Weirctl(name -> null, borrowed, Clock.systemUTC(), out, err).execute(args);
  }

  /** Parses {@code args}, runs the command, closes any channel it opened. */
  int execute(String... args) {
    try (Session session = new Session(options, connector, out, clock, console)) {
      CommandLine cli = new CommandLine(this, new CommandFactory(session));
      cli.setOut(out);
      cli.setErr(err);
      FailureHandler failures = new FailureHandler(options, err);
      cli.setExecutionExceptionHandler(failures);
      cli.setExitCodeExceptionMapper(failures);
      cli.setParameterExceptionHandler(new UsageErrorHandler(err));
      forEachCommand(cli, ExitCodes::document);
      // Subcommands get --version from mixinStandardHelpOptions but no provider of their own.
      forEachCommand(cli, spec -> spec.versionProvider(new WeirctlVersion()));
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static void forEachCommand(CommandLine command, Consumer<CommandSpec> action) {
    action.accept(command.getCommandSpec());
    command.getSubcommands().values().forEach(sub -> forEachCommand(sub, action));
  }
}
