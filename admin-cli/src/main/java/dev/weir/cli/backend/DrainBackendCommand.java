package dev.weir.cli.backend;

import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.PoolResponse;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weirctl backend drain}: the DrainBackend call. */
@Command(
    name = "drain",
    description = {
      "Stops sending new connections to a backend; open ones keep working until they close.",
      "Watch ACTIVE in 'weirctl pool show' fall to 0, then remove it. Draining twice is harmless."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExample:", "  weirctl backend drain web 10.0.0.5:80"})
final class DrainBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  DrainBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    PoolResponse response =
        session
            .admin()
            .drainBackend(
                DrainBackendRequest.newBuilder()
                    .setPool(target.pool())
                    .setAddress(target.address())
                    .build());
    session
        .output()
        .print(
            response,
            () ->
                target.confirmation(
                    "in pool " + target.pool() + " is draining", response.getConfigVersion()));
  }
}
