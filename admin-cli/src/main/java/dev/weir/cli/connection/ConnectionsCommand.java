package dev.weir.cli.connection;

import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.cli.args.CountConverter;
import dev.weir.cli.output.TerminalText;
import dev.weir.cli.proxy.ReplicaCoverage;
import dev.weir.cli.session.Session;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weirctl connections}: the ListConnections call; {@code close} is its subcommand. */
@Command(
    name = "connections",
    description = {
      "Lists the client connections open on the connected proxies, oldest first on each proxy.",
      "ID names a connection across the fleet (PROXY-ID/SEQUENCE) for 'connections close'. "
          + "CLIENT is the client's address (a PROXY header's when the pool accepts them), "
          + "SNI the server name its TLS ClientHello named (a column only when some have one), "
          + "BACKEND the backend it is relayed to (empty while connecting), AGE how long it has "
          + "been open, IN the bytes the client sent, OUT the bytes it was sent.",
      "Proxies that do not answer within 2 s (an older Weir, or one that is stuck) are left out; "
          + "a warning on stderr names them and the command still exits 0. So are the proxies "
          + "of a control-plane replica that is missing (down or not answering): a warning names "
          + "the replica and its proxies."
    },
    mixinStandardHelpOptions = true,
    subcommands = {CloseConnectionCommand.class},
    footer = {
      "%nExamples:",
      "  weirctl connections",
      "  weirctl connections --pool web --backend 10.0.0.5:80",
      "  weirctl connections --proxy edge-1 --limit 50",
      "  weirctl connections -o json | jq -r '.connections[] | select(.pool == \"db\") | .id'",
      "  weirctl connections close edge-1/1763700000000042"
    })
public final class ConnectionsCommand implements Runnable {

  private final Session session;

  @Spec private CommandSpec spec;

  @Option(names = "--pool", paramLabel = "POOL", description = "Only this pool's connections.")
  private String pool = "";

  @Option(
      names = "--backend",
      paramLabel = "HOST:PORT",
      description = "Only connections relayed to this backend, as the pool names it.")
  private String backend = "";

  @Option(
      names = "--proxy",
      paramLabel = "PROXY-ID",
      description = "Only this proxy's connections.")
  private String proxy = "";

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "At most N connections, 1..10000 (default: 1000).")
  private int limit;

  ConnectionsCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ListConnectionsResponse response =
        session
            .admin()
            .listConnections(
                ListConnectionsRequest.newBuilder()
                    .setPool(pool)
                    .setBackend(backend)
                    .setProxy(proxy)
                    .setLimit(limit)
                    .build());
    session
        .output()
        .print(response, () -> ConnectionTable.render(response, session.clock().instant()));
    PrintWriter err = spec.commandLine().getErr();
    // A missing replica's proxies were not even asked; the lines name it and them.
    response
        .getCoverage()
        .getMissingList()
        .forEach(missing -> err.println("warning: " + ReplicaCoverage.line(missing)));
    if (response.getUnansweredProxiesCount() > 0) {
      err.println(
          "warning: no answer from "
              + TerminalText.escape(String.join(", ", response.getUnansweredProxiesList()))
              + " within the deadline; their connections are not listed");
    }
    err.flush();
  }
}
