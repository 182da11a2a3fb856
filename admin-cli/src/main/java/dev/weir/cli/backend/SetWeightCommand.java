package dev.weir.cli.backend;

import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.cli.args.WeightConverter;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code weirctl backend weight}: the SetBackendWeight call. */
@Command(
    name = "weight",
    description = "Sets a backend's weight: its relative share of new connections.",
    mixinStandardHelpOptions = true,
    footer = {"%nExample:", "  weirctl backend weight web 10.0.0.5:80 5"})
final class SetWeightCommand implements Runnable {

  private final Session session;

  @Mixin private BackendTarget target;

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
    PoolResponse response =
        session
            .admin()
            .setBackendWeight(
                SetBackendWeightRequest.newBuilder()
                    .setPool(target.pool())
                    .setAddress(target.address())
                    .setWeight(weight)
                    .build());
    session
        .output()
        .print(
            response,
            () ->
                target.confirmation(
                    "in pool " + target.pool() + " now has weight " + weight,
                    response.getConfigVersion()));
  }
}
