package dev.weir.cli.history;

import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code weirctl rollback}: the Rollback call. */
@Command(
    name = "rollback",
    description = {
      "Makes an earlier revision's configuration current again, as a new revision that is "
          + "pushed to every proxy like any change. It is checked like any change: the pools' "
          + "guards apply unless --force is given.",
      "Try it with --dry-run first, or see the change with 'weirctl diff CURRENT VERSION'."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl rollback 41 --dry-run",
      "  weirctl rollback 41 --wait",
      "  weirctl rollback 41 --force      # even if it drains more than a pool's guards allow"
    })
public final class RollbackCommand implements Runnable {

  private final Session session;

  @Parameters(
      paramLabel = "VERSION",
      converter = VersionConverter.class,
      description = "The config version to go back to, as 'weirctl history' lists it.")
  private long version;

  @Mixin private MutationFlags mutation;

  RollbackCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    RollbackRequest.Builder request = RollbackRequest.newBuilder().setVersion(version);
    mutation.applyTo(request::setOptions);
    RollbackResponse response = session.admin().rollback(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () -> confirmation(response));
  }

  private String confirmation(RollbackResponse response) {
    if (response.getDiff().isEmpty()) {
      return "the configuration of config version "
          + version
          + " is already current (config "
          + "version "
          + response.getConfigVersion()
          + "); nothing changed";
    }
    return "rolled back to the configuration of config version "
        + version
        + " (config version "
        + response.getConfigVersion()
        + ")";
  }
}
