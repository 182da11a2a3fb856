package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.cli.args.WeightConverter;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code weirctl backend weight}: the SetBackendWeight call. */
@Command(
    name = "weight",
    description = "Sets a backend's weight: its relative share of new connections.",
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl backend weight web 10.0.0.5:80 5",
      "  weirctl backend weight web 10.0.0.5:80 5 --wait"
    })
final class SetWeightCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

  @Mixin private MutationFlags mutation;

  @Parameters(
      index = "2",
      paramLabel = "WEIGHT",
      converter = WeightConverter.class,
      description = "The new weight.")
  private int weight;

  SetWeightCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    SetBackendWeightRequest.Builder request =
        SetBackendWeightRequest.newBuilder()
            .setPool(target.pool())
            .setAddress(target.address())
            .setWeight(weight);
    mutation.applyTo(request::setOptions);
    PoolResponse response = session.admin().setBackendWeight(request.build());
    target.report(
        new ChangeReport(session, mutation),
        response,
        "in pool " + target.pool() + " now has weight " + weight);
  }
}
