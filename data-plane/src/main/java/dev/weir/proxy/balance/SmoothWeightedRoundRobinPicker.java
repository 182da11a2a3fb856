package dev.weir.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Smooth weighted round robin, the order NGINX uses: over one cycle each backend gets exactly its
 * weight's share, spread out rather than in bursts (weights 5,1,1 give a a b a c a a).
 *
 * <p>NGINX keeps a running "current weight" per backend and updates them all on every pick, which
 * would need a lock shared by every event loop. The order only depends on the weights, so this
 * computes one whole cycle up front and a pick is an index into it. The cycle has sum(weights) /
 * gcd(weights) entries: at most a million ints for the largest pool the API allows.
 */
final class SmoothWeightedRoundRobinPicker implements Picker {

  private final Upstream[] upstreams;
  private final List<Upstream> candidates;
  private final int[] cycle;
  private final AtomicLong next;

  SmoothWeightedRoundRobinPicker(List<Upstream> upstreams) {
    this.candidates = List.copyOf(upstreams);
    this.upstreams = candidates.toArray(new Upstream[0]);
    this.cycle = cycle(this.upstreams);
    this.next = new AtomicLong(ThreadLocalRandom.current().nextInt(Math.max(1, cycle.length)));
  }

  @Override
  public Upstream pick(InetSocketAddress client) {
    if (cycle.length == 0) {
      return null;
    }
    return upstreams[cycle[(int) Long.remainderUnsigned(next.getAndIncrement(), cycle.length)]];
  }

  @Override
  public List<Upstream> candidates() {
    return candidates;
  }

  static int[] cycle(Upstream[] upstreams) {
    int n = upstreams.length;
    int gcd = 0;
    for (Upstream u : upstreams) {
      gcd = gcd(gcd, u.weight());
    }
    int[] weights = new int[n];
    int total = 0;
    for (int i = 0; i < n; i++) {
      weights[i] = upstreams[i].weight() / gcd;
      total += weights[i];
    }
    int[] cycle = new int[total];
    int[] current = new int[n];
    for (int pick = 0; pick < total; pick++) {
      int best = 0;
      for (int i = 0; i < n; i++) {
        current[i] += weights[i];
        if (current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      cycle[pick] = best;
    }
    return cycle;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }
}
