package dev.weir.proxy.balance;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each backend in turn: what smooth weighted round robin comes to when every weight is equal,
 * without its cycle array. {@link Pickers} uses it only then.
 */
final class RoundRobinPicker implements Picker {

  private final Upstream[] upstreams;
  private final List<Upstream> candidates;
  // Starts at a random place so a fleet of proxies that just got the same config doesn't send its
  // first connections to the same backend.
  private final AtomicLong next;

  RoundRobinPicker(List<Upstream> upstreams) {
    this.candidates = List.copyOf(upstreams);
    this.upstreams = candidates.toArray(new Upstream[0]);
    this.next = new AtomicLong(ThreadLocalRandom.current().nextInt(Math.max(1, upstreams.size())));
  }

  @Override
  public Upstream pick(InetSocketAddress client) {
    if (upstreams.length == 0) {
      return null;
    }
    return upstreams[(int) Long.remainderUnsigned(next.getAndIncrement(), upstreams.length)];
  }

  @Override
  public List<Upstream> candidates() {
    return candidates;
  }
}
