package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code weirctl backend undrain}: the UndrainBackend call. */
@Command(
    name = "undrain",
    description = "Returns a draining backend to active, so it receives new connections again.",
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl backend undrain web 10.0.0.5:80",
      "  weirctl backend undrain web 10.0.0.5:80 --wait"
    })
final class UndrainBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  @Mixin private MutationFlags mutation;

  UndrainBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    UndrainBackendRequest.Builder request =
        UndrainBackendRequest.newBuilder().setPool(target.pool()).setAddress(target.address());
    mutation.applyTo(request::setOptions);
    PoolResponse response = session.admin().undrainBackend(request.build());
    target.report(
        new ChangeReport(session, mutation), response, "in pool " + target.pool() + " is active");
  }
}
