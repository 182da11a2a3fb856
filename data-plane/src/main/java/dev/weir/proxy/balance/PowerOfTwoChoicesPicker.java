package dev.weir.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two random choices: draws two backends in proportion to weight and takes the one with
 * fewer active connections per unit of weight. Nearly as even as least-connections at a constant
 * cost per pick, and less prone to herding when counts are stale.
 */
final class PowerOfTwoChoicesPicker implements Picker {

  private final Upstream[] upstreams;
  private final List<Upstream> candidates;
  // cumulative[i] = sum of weights of upstreams[0..i]; a draw is a binary search in it.
  private final long[] cumulative;

  PowerOfTwoChoicesPicker(List<Upstream> upstreams) {
    this.candidates = List.copyOf(upstreams);
    this.upstreams = candidates.toArray(new Upstream[0]);
    this.cumulative = new long[this.upstreams.length];
    long sum = 0;
    for (int i = 0; i < this.upstreams.length; i++) {
      sum += this.upstreams[i].weight();
      cumulative[i] = sum;
    }
  }

  @Override
  public Upstream pick(InetSocketAddress client) {
    int n = upstreams.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return upstreams[0];
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Upstream a = draw(random);
    Upstream b = draw(random);
    if (a == b) {
      return a;
    }
    long aLoad = a.counters().active() * b.weight();
    long bLoad = b.counters().active() * a.weight();
    if (aLoad != bLoad) {
      return aLoad < bLoad ? a : b;
    }
    return random.nextBoolean() ? a : b;
  }

  private Upstream draw(ThreadLocalRandom random) {
    long target = random.nextLong(cumulative[cumulative.length - 1]);
    int lo = 0;
    int hi = cumulative.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return upstreams[lo];
  }

  @Override
  public List<Upstream> candidates() {
    return candidates;
  }
}
