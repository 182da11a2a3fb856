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
    Table table = new Table("ID", "POOL", "CLIENT", "BACKEND", "AGE", "IN", "OUT");
    for (ConnectionInfo c : response.getConnectionsList()) {
      table.row(
          c.getId(),
          c.getPool(),
          c.getClientAddress(),
          c.getBackendAddress().isEmpty() ? "(connecting)" : c.getBackendAddress(),
          c.hasOpenedAt() ? RelativeAge.between(ProtoTimes.instant(c.getOpenedAt()), now) : "",
          ByteCounts.format(c.getBytesFromClient()),
          ByteCounts.format(c.getBytesToClient()));
    }
    String rendered = table.render();
    if (response.getTruncated()) {
      rendered += (rendered.endsWith("\n") ? "" : "\n")
          + "(more connections match; raise --limit or narrow with --pool, --backend, --proxy)";
    }
    return rendered;
  }
}
