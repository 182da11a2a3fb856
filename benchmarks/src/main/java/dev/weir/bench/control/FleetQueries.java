package dev.weir.bench.control;

import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Fleet-wide questions asked of one control plane while the fleet reports: GetPoolStatus and
 * ListProxies in turn, paced evenly over a window so they measure an answer, not a queue. Each
 * answer is checked for covering the whole fleet; one that does not is counted as partial.
 */
final class FleetQueries {
  private final Supplier<AdminServiceBlockingStub> admin;
  private final String pool;
  private final int proxies;

  /** Milliseconds per call of each kind, and how many answers did not cover every proxy. */
  record Timings(List<Double> poolStatus, List<Double> listProxies, int partial) {}

  FleetQueries(Supplier<AdminServiceBlockingStub> admin, String pool, int proxies) {
    this.admin = admin;
    this.pool = pool;
    this.proxies = proxies;
  }

  /** {@code calls} of each kind spread over {@code window}. */
  Timings run(int calls, Duration window) throws InterruptedException {
    List<Double> status = new ArrayList<>();
    List<Double> listed = new ArrayList<>();
    int partial = 0;
    long start = System.nanoTime();
    long gap = window.toNanos() / (2L * calls);
    for (int i = 0; i < 2 * calls; i++) {
      long due = start + i * gap;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the calls over the window
      }
      long begin = System.nanoTime();
      boolean whole;
      if (i % 2 == 0) {
        PoolStatus answer =
            admin.get().getPoolStatus(GetPoolStatusRequest.newBuilder().setName(pool).build());
        status.add((System.nanoTime() - begin) / 1e6);
        whole = complete(answer.getCoverage());
      } else {
        ListProxiesResponse answer =
            admin.get().listProxies(ListProxiesRequest.getDefaultInstance());
        listed.add((System.nanoTime() - begin) / 1e6);
        whole = complete(answer.getCoverage()) && connected(answer) == proxies;
      }
      if (!whole) {
        partial++;
      }
    }
    return new Timings(status, listed, partial);
  }

  static long connected(ListProxiesResponse answer) {
    return answer.getProxiesList().stream().filter(ProxyInfo::getConnected).count();
  }

  private static boolean complete(FleetCoverage coverage) {
    return coverage.getMissingCount() == 0;
  }
}
