package dev.weir.cli.pool;

import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.cli.change.ChangeReport;
import dev.weir.cli.change.MutationFlags;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code weirctl pool delete}: the DeletePool call. */
@Command(
    name = "delete",
    description = "Deletes a pool. The proxies close its listener and its open connections.",
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl pool delete web --dry-run",
      "  weirctl pool delete web --force    # a pool with --min-healthy set"
    })
final class DeletePoolCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "NAME", description = "The pool.")
  private String name;

  @Mixin private MutationFlags mutation;

  DeletePoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    DeletePoolRequest.Builder request = DeletePoolRequest.newBuilder().setName(name);
    mutation.applyTo(request::setOptions);
    DeletePoolResponse response = session.admin().deletePool(request.build());
    new ChangeReport(session, mutation)
        .print(
            response,
            response.getConfigVersion(),
            response.getDiff(),
            response.getDryRun(),
            () -> "pool " + name + " deleted (config version " + response.getConfigVersion() + ")");
  }
}
