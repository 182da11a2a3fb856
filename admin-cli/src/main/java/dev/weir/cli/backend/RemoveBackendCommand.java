package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weirctl backend remove}: the RemoveBackend call. */
@Command(
    name = "remove",
    description = {
      "Removes a backend from a pool at once: no new connections go to it.",
      "Its open connections are not closed: they stay open until the client or the backend "
          + "closes them, or until the pool's --idle-timeout ends them; no drain deadline applies "
          + "to them any more. To close them on time, drain the backend first and remove it once "
          + "drained ('backend drain POOL HOST:PORT --deadline 30s --wait'), or close them "
          + "yourself: 'weirctl connections --backend HOST:PORT' lists them, and "
          + "'weirctl connections close ID...' closes them."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl backend drain web 10.0.0.5:80 --deadline 30s --wait   # first, to end them",
      "  weirctl backend remove web 10.0.0.5:80",
      "  weirctl backend remove web 10.0.0.5:80 --dry-run",
      "  weirctl backend remove web 10.0.0.5:80 --force    # below the pool's --min-healthy"
    })
final class RemoveBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  @Mixin private MutationFlags mutation;

  RemoveBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    RemoveBackendRequest.Builder request =
        RemoveBackendRequest.newBuilder().setPool(target.pool()).setAddress(target.address());
    mutation.applyTo(request::setOptions);
    PoolResponse response = session.admin().removeBackend(request.build());
    target.report(
        new ChangeReport(session, mutation), response, "removed from pool " + target.pool());
  }
}
