package dev.weir.cli.backend;

import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.DurationConverter;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weirctl backend drain}: the DrainBackend call, and with --wait, following the drain. */
@Command(
    name = "drain",
    description = {
      "Stops sending new connections to a backend; open ones keep working until they close, or "
          + "until the --deadline, when every proxy closes what is left.",
      "With --wait, follows the drain across the fleet, showing the connections that remain, and "
          + "returns once none do (or the deadline closed them); then remove the backend. "
          + "While a control-plane replica is unaccounted for (down or not answering), its "
          + "proxies' connections are not counted, so the drain is not confirmed: the progress "
          + "line names the replica, and so does the error if the wait ends first. "
          + "Draining twice is harmless."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nThe wait for the drain ends at --wait-timeout if given, else 30s after the --deadline, "
          + "else only when the backend is drained.",
      "%nExamples:",
      "  weirctl backend drain web 10.0.0.5:80",
      "  weirctl backend drain web 10.0.0.5:80 --deadline 30s --wait",
      "  weirctl backend drain web 10.0.0.5:80 --dry-run"
    })
final class DrainBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  @Option(
      names = "--deadline",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "When the drain must end: then every proxy closes the backend's remaining connections "
              + "(1s..24h; default: the pool's drain timeout, if any).")
  private Duration deadline;

  @Mixin private MutationFlags mutation;

  DrainBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    DrainBackendRequest.Builder request =
        DrainBackendRequest.newBuilder().setPool(target.pool()).setAddress(target.address());
    mutation.applyTo(request::setOptions);
    if (deadline != null) {
      request.setDeadline(DurationText.toProto(deadline));
    }
    PoolResponse response = session.admin().drainBackend(request.build());
    target.report(
        new ChangeReport(session, mutation), response, "in pool " + target.pool() + " is draining");
    if (mutation.waitRequested() && !response.getDryRun()) {
      boolean quiet = session.output().format().forScripts();
      new DrainProgress(session, quiet).await(target.pool(), target.address(), drainLimit());
    }
  }

  private Duration drainLimit() {
    if (mutation.waitTimeoutGiven() != null) {
      return mutation.waitTimeoutGiven();
    }
    return deadline != null ? deadline.plus(MutationFlags.DEFAULT_WAIT_TIMEOUT) : null;
  }
}
