package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weirctl backend remove}: the RemoveBackend call. */
@Command(
    name = "remove",
    description = {
      "Removes a backend from a pool at once; its open connections are closed.",
      "Drain it first to let them finish."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExample:", "  weirctl backend remove web 10.0.0.5:80"})
final class RemoveBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  RemoveBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    PoolResponse response =
        session
            .admin()
            .removeBackend(
                RemoveBackendRequest.newBuilder()
                    .setPool(target.pool())
                    .setAddress(target.address())
                    .build());
    session
        .output()
        .print(
            response,
            () ->
                target.confirmation(
                    "removed from pool " + target.pool(), response.getConfigVersion()));
  }
}
