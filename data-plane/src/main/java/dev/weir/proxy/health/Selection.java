package dev.weir.proxy.health;

import dev.weir.proxy.balance.Upstream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The backends a pool's picker should choose from now, in config order, with the weights to balance
 * by.
 *
 * @param failOpen true when no backend was eligible, so these are all the non-draining ones at
 *     their configured weights (otherwise each takes its effective weight when it has one)
 * @param ramping some backend is still ramping up, so its weight will grow at the next rebuild
 */
public record Selection(List<Upstream> upstreams, boolean failOpen, boolean ramping) {

  public Selection {
    upstreams = List.copyOf(upstreams);
  }

  /** Chooses from {@code backends} at {@code nowNanos}. Called under the pool's lock. */
  static Selection of(Collection<BackendHealthState> backends, SlowStart slowStart, long nowNanos) {
    List<BackendHealthState> candidates = new ArrayList<>(backends.size());
    List<BackendHealthState> eligible = new ArrayList<>(backends.size());
    for (BackendHealthState b : backends) {
      if (!b.config.draining()) {
        candidates.add(b);
        if (b.eligible()) {
          eligible.add(b);
        }
      }
    }
    boolean failOpen = eligible.isEmpty() && !candidates.isEmpty();
    List<BackendHealthState> chosen = failOpen ? candidates : eligible;
    boolean ramping = false;
    long total = 0;
    for (BackendHealthState b : chosen) {
      ramping |= !failOpen && slowStart.ramping(b.eligibleSinceNanos, nowNanos);
      total += weightOf(b, failOpen);
    }
    int scale = ramping ? SlowStart.scaleFor(total) : 1;
    List<Upstream> upstreams = new ArrayList<>(chosen.size());
    for (BackendHealthState b : chosen) {
      int weight =
          ramping && slowStart.ramping(b.eligibleSinceNanos, nowNanos)
              ? SlowStart.rampedWeight(
                  weightOf(b, failOpen), scale, slowStart.fraction(b.eligibleSinceNanos, nowNanos))
              : weightOf(b, failOpen) * scale;
      upstreams.add(new Upstream(b.config, b.counters, weight));
    }
    return new Selection(upstreams, failOpen, ramping);
  }

  // The control plane's effective weight reflects how the fleet sees each backend; failing open
  // means this proxy's view is that none can be trusted, so each gets its configured share.
  private static int weightOf(BackendHealthState b, boolean failOpen) {
    return failOpen ? b.config.weight() : b.config.balanceWeight();
  }
}
