package dev.weir.cli.backend;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.PoolResponse;
import dev.weir.cli.args.WeightConverter;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weirctl backend add}: the AddBackend call. */
@Command(
    name = "add",
    description = "Adds a backend to a pool. It starts receiving new connections at once.",
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl backend add web 10.0.0.7:80",
      "  weirctl backend add web [2001:db8::7]:80 --weight 3",
      "  weirctl backend add web 10.0.0.7:80 --dry-run",
      "  weirctl backend add web 10.0.0.7:80 --wait"
    })
final class AddBackendCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  @Mixin private MutationFlags mutation;

  @Option(
      names = "--weight",
      paramLabel = "N",
      converter = WeightConverter.class,
      description = "Relative share of new connections; the control plane uses 1 when omitted.")
  private Integer weight;

  AddBackendCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    AddBackendRequest.Builder request =
        AddBackendRequest.newBuilder().setPool(target.pool()).setAddress(target.address());
    mutation.applyTo(request::setOptions);
    // Left unset rather than sent as 1, so the default stays the server's decision.
    if (weight != null) {
      request.setWeight(weight);
    }
    PoolResponse response = session.admin().addBackend(request.build());
    target.report(new ChangeReport(session, mutation), response, "added to pool " + target.pool());
  }
}
