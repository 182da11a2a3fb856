package dev.weir.cli.pool;

import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.cli.output.Table;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;

/** {@code weirctl pool list}: the ListPools call. */
@Command(
    name = "list",
    description = "Lists every pool, sorted by name.",
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl pool list", "  weirctl pool list -o json"})
final class ListPoolsCommand implements Runnable {

  private final Session session;

  ListPoolsCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ListPoolsResponse response = session.admin().listPools(ListPoolsRequest.getDefaultInstance());
    session.output().print(response, () -> table(response));
  }

  private static String table(ListPoolsResponse response) {
    if (response.getPoolsCount() == 0) {
      return "No pools.";
    }
    Table table = new Table("NAME", "LISTEN", "ALGORITHM", "BACKENDS");
    for (Pool pool : response.getPoolsList()) {
      table.row(
          pool.getName(),
          pool.getListen(),
          Algorithms.name(pool.getAlgorithm()),
          pool.getBackendsCount());
    }
    return table.render();
  }
}
