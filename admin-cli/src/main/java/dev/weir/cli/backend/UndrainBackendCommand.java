package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weirctl backend undrain}: the UndrainBackend call. */
@Command(
    name = "undrain",
    description = "Returns a draining backend to active, so it receives new connections again.",
    mixinStandardHelpOptions = true,
    footer = {"%nExample:", "  weirctl backend undrain web 10.0.0.5:80"})
final class UndrainBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  UndrainBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    PoolResponse response =
        session
            .admin()
            .undrainBackend(
                UndrainBackendRequest.newBuilder()
                    .setPool(target.pool())
                    .setAddress(target.address())
                    .build());
    session
        .output()
        .print(
            response,
            () ->
                target.confirmation(
                    "in pool " + target.pool() + " is active", response.getConfigVersion()));
  }
}
