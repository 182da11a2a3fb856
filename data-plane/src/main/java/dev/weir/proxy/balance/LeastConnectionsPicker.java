package dev.weir.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The backend with the fewest active connections per unit of weight, by this proxy's counts. A scan
 * of every backend per pick: fine for pools of tens of backends; P2C is the choice for large pools.
 */
final class LeastConnectionsPicker implements Picker {

  private final Upstream[] upstreams;
  private final List<Upstream> candidates;
  // Where the scan starts, rotating, so ties spread instead of all going to the first backend.
  private final AtomicInteger start = new AtomicInteger();

  LeastConnectionsPicker(List<Upstream> upstreams) {
    this.candidates = List.copyOf(upstreams);
    this.upstreams = candidates.toArray(new Upstream[0]);
  }

  @Override
  public Upstream pick(InetSocketAddress client) {
    int n = upstreams.length;
    if (n == 0) {
      return null;
    }
    int first = Math.floorMod(start.getAndIncrement(), n);
    Upstream best = null;
    long bestActive = 0;
    int bestWeight = 1;
    for (int k = 0; k < n; k++) {
      Upstream u = upstreams[(first + k) % n];
      long active = u.counters().active();
      // active/weight < bestActive/bestWeight, without division.
      if (best == null || active * bestWeight < bestActive * u.weight()) {
        best = u;
        bestActive = active;
        bestWeight = u.weight();
      }
    }
    return best;
  }

  @Override
  public List<Upstream> candidates() {
    return candidates;
  }
}
