package dev.weir.cli.connection;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.cli.session.Session;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl connections close ID...}: the CloseConnection call, once per id. */
@Command(
    name = "close",
    description = {
      "Closes client connections, each on the proxy that holds it: both the client's and the "
          + "backend's side are closed with FIN once what is queued has been sent. The IDs are "
          + "the ones 'weirctl connections' prints.",
      "IDs are closed in order; the first that fails (not open any more, unknown proxy, proxy "
          + "not connected or not answering) stops the command with its error, and the ones "
          + "before it stay closed. Needs the admin role."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl connections close edge-1/1763700000000042",
      "  weirctl connections --pool web -o json | jq -r '.connections[].id' \\",
      "    | xargs weirctl connections close"
    })
public final class CloseConnectionCommand implements Runnable {

  private final Session session;

  @Parameters(arity = "1..*", paramLabel = "ID", description = "PROXY-ID/SEQUENCE.")
  private List<String> ids;

  CloseConnectionCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    for (String id : ids) {
      CloseConnectionResponse response =
          session.admin().closeConnection(CloseConnectionRequest.newBuilder().setId(id).build());
      ConnectionInfo c = response.getConnection();
      session
          .output()
          .print(
              response,
              () ->
                  "closed "
                      + c.getId()
                      + " (pool "
                      + c.getPool()
                      + ", client "
                      + c.getClientAddress()
                      + ", backend "
                      + (c.getBackendAddress().isEmpty() ? "none yet" : c.getBackendAddress())
                      + ")");
    }
  }
}
