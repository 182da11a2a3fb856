package dev.weir.cli.pool;

import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl pool delete}: the DeletePool call. */
@Command(
    name = "delete",
    description = "Deletes a pool. The proxies close its listener and its open connections.",
    mixinStandardHelpOptions = true,
    footer = {"%nExample:", "  weirctl pool delete web"})
final class DeletePoolCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "NAME", description = "The pool.")
  private String name;

  DeletePoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    DeletePoolResponse response =
        session.admin().deletePool(DeletePoolRequest.newBuilder().setName(name).build());
    session
        .output()
        .print(
            response,
            () -> "pool " + name + " deleted (config version " + response.getConfigVersion() + ")");
  }
}
