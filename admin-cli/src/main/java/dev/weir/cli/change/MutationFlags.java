package dev.weir.cli.change;

import dev.weir.api.v1.MutationOptions;
import dev.weir.cli.args.DurationConverter;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The flags every command that changes the configuration takes. */
public final class MutationFlags {

  public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(30);

  /** The long names of these flags, for commands that list their own flags in messages. */
  public static final Set<String> NAMES =
      Set.of("--dry-run", "--force", "--wait", "--wait-timeout");

  // After a command's own options, before the global ones.
  private static final int HELP_ORDER = 900;

  @Option(
      names = "--dry-run",
      order = HELP_ORDER,
      description = "Check the change and print what it would change; change nothing.")
  private boolean dryRun;

  @Option(
      names = "--force",
      order = HELP_ORDER + 1,
      description =
          "Make the change even if it breaks the pool's guards (--min-healthy, "
              + "--max-drain-percent); the revision records that it was forced.")
  private boolean force;

  @Option(
      names = "--wait",
      order = HELP_ORDER + 2,
      description =
          "Then wait until every connected proxy has applied the change, and say how long "
              + "that took. With several control-plane replicas, the proxies of all of them; "
              + "while one is missing the wait cannot succeed, and its failure names it.")
  private boolean wait;

  @Option(
      names = "--wait-timeout",
      order = HELP_ORDER + 3,
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description = "How long --wait waits (default: 30s).")
  private Duration waitTimeout;

  /** The request's options field. */
  public MutationOptions options() {
    return MutationOptions.newBuilder().setDryRun(dryRun).setForce(force).build();
  }

  /**
   * Sets a request's options, e.g. {@code flags.applyTo(request::setOptions)}, leaving them unset
   * when no flag asks for anything.
   */
  public void applyTo(Consumer<MutationOptions> setOptions) {
    if (dryRun || force) {
      setOptions.accept(options());
    }
  }

  public boolean dryRun() {
    return dryRun;
  }

  public boolean waitRequested() {
    return wait;
  }

  /** {@code --wait-timeout}, or 30s. */
  public Duration waitTimeout() {
    return waitTimeout != null ? waitTimeout : DEFAULT_WAIT_TIMEOUT;
  }

  /** {@code --wait-timeout} if given, else null: for waits with a default of their own. */
  public Duration waitTimeoutGiven() {
    return waitTimeout;
  }
}
