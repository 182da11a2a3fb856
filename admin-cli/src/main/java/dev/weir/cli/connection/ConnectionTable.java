package dev.weir.cli.connection;

import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.cli.output.ByteCounts;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.RelativeAge;
import dev.weir.cli.output.Table;
import java.time.Instant;

/** The table {@code weirctl connections} prints. */
final class ConnectionTable {

  private ConnectionTable() {}

  static String render(ListConnectionsResponse response, Instant now) {
    if (response.getConnectionsCount() == 0) {
      return "No connections.";
    }
    // The SNI column only where a connection has a name: TCP pools' tables stay as they were.
    boolean sni =
        response.getConnectionsList().stream().anyMatch(c -> !c.getServerName().isEmpty());
    Table table =
        sni
            ? new Table("ID", "POOL", "CLIENT", "SNI", "BACKEND", "AGE", "IN", "OUT")
            : new Table("ID", "POOL", "CLIENT", "BACKEND", "AGE", "IN", "OUT");
    for (ConnectionInfo c : response.getConnectionsList()) {
      String backend = c.getBackendAddress().isEmpty() ? "(connecting)" : c.getBackendAddress();
      String age =
          c.hasOpenedAt() ? RelativeAge.between(ProtoTimes.instant(c.getOpenedAt()), now) : "";
      String in = ByteCounts.format(c.getBytesFromClient());
      String out = ByteCounts.format(c.getBytesToClient());
      if (sni) {
        table.row(
            c.getId(), c.getPool(), c.getClientAddress(), c.getServerName(), backend, age, in, out);
      } else {
        table.row(c.getId(), c.getPool(), c.getClientAddress(), backend, age, in, out);
      }
    }
    String rendered = table.render();
    if (response.getTruncated()) {
      rendered +=
          (rendered.endsWith("\n") ? "" : "\n")
              + "(more connections match; raise --limit or narrow with --pool, --backend, --proxy)";
    }
    return rendered;
  }
}
