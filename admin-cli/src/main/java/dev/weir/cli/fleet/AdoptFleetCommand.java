package dev.weir.cli.fleet;

import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weirctl fleet adopt}: the AdoptFleet call. */
@Command(
    name = "adopt",
    description = {
      "Makes this control plane's pools the configuration of the fleet its connected proxies "
          + "serve. Proxies refuse a config from another fleet (a control plane started on an "
          + "empty or another store) or older than theirs (one restored from an older backup), "
          + "and keep serving what they have; 'weirctl proxies' shows them as refusing.",
      "Adopting commits the control plane's current pools as one revision, under the proxies' "
          + "fleet id and at a version above every version they serve, so they accept it. It "
          + "is recorded in 'weirctl history'. Check the pools first ('weirctl pool list'): "
          + "whatever they are, the proxies will serve them."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl fleet adopt --dry-run",
      "  weirctl fleet adopt --wait",
      "  weirctl fleet adopt --fleet-id 1a2b3c4d-...   # when proxies serve different fleets"
    })
public final class AdoptFleetCommand implements Runnable {

  private final Session session;

  @Option(
      names = "--fleet-id",
      paramLabel = "ID",
      description = "The fleet to adopt (default: the one every connected proxy serves).")
  private String fleetId;

  @Mixin private MutationFlags mutation;

  AdoptFleetCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    AdoptFleetRequest.Builder request = AdoptFleetRequest.newBuilder();
    if (fleetId != null) {
      request.setFleetId(fleetId);
    }
    mutation.applyTo(request::setOptions);
    AdoptFleetResponse response = session.admin().adoptFleet(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () ->
                "adopted fleet "
                    + response.getFleetId()
                    + " (config version "
                    + response.getConfigVersion()
                    + ")");
  }
}
