package dev.weir.cli.pool;

import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.output.Table;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl pool show}: the GetPoolStatus call. */
@Command(
    name = "show",
    description = {
      "Shows a pool and each of its backends: weight, state, and figures summed over the "
          + "connected proxies' latest reports (open and total connections, failed connection "
          + "attempts, how many proxies see it healthy and unhealthy)."
    },
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl pool show web", "  weirctl pool show web -o json"})
final class ShowPoolCommand implements Runnable {

  private final Session session;

  @Parameters(paramLabel = "NAME", description = "The pool.")
  private String name;

  ShowPoolCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    PoolStatus status =
        session.admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName(name).build());
    session.output().print(status, () -> describe(status));
  }

  private static String describe(PoolStatus status) {
    Pool pool = status.getPool();
    String summary =
        String.format(
            "Name:            %s\nListen:          %s\nAlgorithm:       %s\n"
                + "Config version:  %d\n\n",
            pool.getName(),
            pool.getListen(),
            Algorithms.name(pool.getAlgorithm()),
            status.getConfigVersion());
    if (status.getBackendsCount() == 0) {
      return summary + "No backends.";
    }
    Table table =
        new Table(
            "ADDRESS", "WEIGHT", "STATE", "ACTIVE", "TOTAL", "FAILURES", "HEALTHY", "UNHEALTHY");
    for (BackendStatus backend : status.getBackendsList()) {
      table.row(
          backend.getAddress(),
          backend.getWeight(),
          BackendStates.name(backend.getState()),
          backend.getActiveConnections(),
          backend.getTotalConnections(),
          backend.getConnectFailures(),
          backend.getHealthyProxies(),
          backend.getUnhealthyProxies());
    }
    return summary + table.render();
  }
}
