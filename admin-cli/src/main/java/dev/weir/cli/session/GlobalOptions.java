package dev.weir.cli.session;

import dev.weir.cli.args.ControlPlaneAddressConverter;
import dev.weir.cli.connect.CallerIdentity;
import dev.weir.cli.args.DurationConverter;
import dev.weir.cli.args.Durations;
import dev.weir.cli.args.HostPort;
import dev.weir.cli.output.OutputFormat;
import java.time.Duration;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The options every command accepts, before or after the command name, as kubectl's do.
 *
 * <p>Defaults are applied when read rather than by picocli, because the control plane's default
 * comes from an environment variable and tests inject the environment instead of changing it.
 */
public final class GlobalOptions {

  public static final String ADDRESS_VARIABLE = "WEIR_CONTROL_PLANE";
  public static final String DEFAULT_ADDRESS = "127.0.0.1:9900";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  // Where these options appear in the help of commands that list options in a set order rather
  // than alphabetically: after the command's own options.
  private static final int HELP_ORDER = 1000;

  private final UnaryOperator<String> environment;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  @Option(
      names = "--control-plane",
      order = GlobalOptions.HELP_ORDER,
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      converter = ControlPlaneAddressConverter.class,
      description = "Control plane address (default: $WEIR_CONTROL_PLANE, else 127.0.0.1:9900).")
  private HostPort controlPlane;

  @Option(
      names = {"-o", "--output"},
      order = GlobalOptions.HELP_ORDER + 1,
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      converter = OutputFormat.Converter.class,
      completionCandidates = OutputFormat.Names.class,
      description =
          "table (default) or json. json prints the API response message and is the "
              + "stable interface for scripts.")
  private OutputFormat output;

  @Option(
      names = "--timeout",
      order = GlobalOptions.HELP_ORDER + 2,
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      converter = DurationConverter.class,
      description =
          "Deadline for each call to the control plane, e.g. 500ms, 10s, 1m (default: 10s).")
  private Duration timeout;

  /** {@code environment} looks up environment variables, returning null for unset ones. */
  public GlobalOptions(UnaryOperator<String> environment) {
    this.environment = environment;
  }

  /** The flag, else the environment variable, else the default. */
  public HostPort controlPlane() {
    if (controlPlane != null) {
      return controlPlane;
    }
    String fromEnvironment = environment.apply(ADDRESS_VARIABLE);
    if (fromEnvironment == null || fromEnvironment.isBlank()) {
      return HostPort.parse(DEFAULT_ADDRESS);
    }
    try {
      return HostPort.parse(fromEnvironment.trim());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          mixee.commandLine(), "Invalid value in $" + ADDRESS_VARIABLE + ": " + e.getMessage());
    }
  }

  public OutputFormat output() {
    return output == null ? OutputFormat.TABLE : output;
  }

  public Duration timeout() {
    return timeout == null ? DEFAULT_TIMEOUT : timeout;
  }

  /** Who this operator claims to be, {@code $USER@hostname}, for the control plane's audit. */
  public String caller() {
    return CallerIdentity.describe(environment);
  }

  /** The timeout as the operator would write it, for messages. */
  public String timeoutText() {
    return Durations.format(timeout());
  }
}
