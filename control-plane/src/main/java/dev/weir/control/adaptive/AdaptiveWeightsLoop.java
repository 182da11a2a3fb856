package dev.weir.control.adaptive;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.control.pool.ChangeIntent;
import dev.weir.control.pool.Mutation;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.reports.BackendKey;
import dev.weir.control.reports.ReportHistory;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the effective weights of every pool with adaptive weights on, each at its own
 * interval, and stores them as a revision (operation {@value #OPERATION}, actor weir-control) when
 * one moves meaningfully (see {@link EffectiveWeights}). A pool that turns adaptive weights off
 * gets its effective weights cleared, so proxies go back to the configured ones.
 *
 * <p>{@link #tick} is called every second or so; time comes from the injected clock.
 */
public final class AdaptiveWeightsLoop {
  public static final String OPERATION = "AdaptiveWeights";
  private static final Logger log = LoggerFactory.getLogger(AdaptiveWeightsLoop.class);

  /** How a change is committed: the registry, as an internal change. */
  @FunctionalInterface
  interface Committer {
    void commit(Mutation mutation);
  }

  private final Supplier<ConfigSnapshot> config;
  private final FleetSignals signals;
  private final Committer committer;
  private final Clock clock;

  // Smoothing state: the factors may drift below the threshold for a while
  // before a revision records them.
  @GuardedBy("this")
  private final Map<BackendKey, Double> factors = new HashMap<>();

  @GuardedBy("this")
  private final Map<String, Instant> nextRun = new HashMap<>();

  public AdaptiveWeightsLoop(PoolRegistry pools, ReportHistory reports, Clock clock) {
    this(
        pools::current,
        new ReportedSignals(reports),
        m -> pools.apply(m, ChangeIntent.internal(OPERATION)),
        clock);
  }

  AdaptiveWeightsLoop(
      Supplier<ConfigSnapshot> config, FleetSignals signals, Committer committer, Clock clock) {
    this.config = config;
    this.signals = signals;
    this.committer = committer;
    this.clock = clock;
  }

  /** Runs every pool that is due. A pool's first run comes one interval after it is first seen. */
  public synchronized void tick() {
    Instant now = clock.instant();
    Set<String> seen = new HashSet<>();
    for (Pool pool : config.get().getPoolsList()) {
      seen.add(pool.getName());
      AdaptivePolicy policy = AdaptivePolicy.of(pool.getSettings().getAdaptiveWeights());
      if (!policy.enabled()) {
        nextRun.remove(pool.getName());
        factors.keySet().removeIf(k -> k.pool().equals(pool.getName()));
        if (pool.getBackendsList().stream().anyMatch(b -> b.getEffectiveWeight() != 0)) {
          log.info(
              "pool {}: adaptive weights are off; back to the configured weights", pool.getName());
          commit(pool.getName(), clearing(pool.getName()));
        }
        continue;
      }
      Instant due = nextRun.get(pool.getName());
      if (due != null && now.isBefore(due)) {
        continue;
      }
      nextRun.put(pool.getName(), now.plus(policy.interval()));
      if (due != null) {
        adjust(pool, policy);
      }
    }
    nextRun.keySet().retainAll(seen);
    factors.keySet().removeIf(k -> !seen.contains(k.pool()));
  }

  @GuardedBy("this")
  private void adjust(Pool pool, AdaptivePolicy policy) {
    List<BackendSignals> reported = signals.of(pool);
    Map<String, Backend> byAddress = new HashMap<>();
    pool.getBackendsList().forEach(b -> byAddress.put(b.getAddress(), b));
    Map<String, Double> current = new HashMap<>();
    for (BackendSignals s : reported) {
      Backend backend = byAddress.get(s.address());
      current.put(
          s.address(),
          factors.getOrDefault(
              new BackendKey(pool.getName(), s.address()), EffectiveWeights.factor(backend)));
    }
    Map<String, Double> next = WeightFactors.next(reported, current, policy);
    boolean meaningful = false;
    for (Map.Entry<String, Double> e : next.entrySet()) {
      factors.put(new BackendKey(pool.getName(), e.getKey()), e.getValue());
      Backend backend = byAddress.get(e.getKey());
      int target = EffectiveWeights.of(backend.getWeight(), e.getValue());
      meaningful |= EffectiveWeights.meaningful(EffectiveWeights.current(backend), target);
    }
    if (meaningful) {
      log.info("pool {}: new effective weights {}", pool.getName(), describe(pool, next));
      commit(pool.getName(), setting(pool.getName(), next));
    }
  }

  private void commit(String pool, Mutation mutation) {
    try {
      committer.commit(mutation);
    } catch (StatusRuntimeException e) {
      // The next interval tries again from what is stored then.
      log.warn("pool {}: could not store adaptive weights: {}", pool, e.getStatus());
    }
  }

  /**
   * Sets each listed backend's effective weight from its factor and its configured weight as they
   * are when the change is applied; changes nothing if adaptive weights were turned off meanwhile.
   */
  private static Mutation setting(String poolName, Map<String, Double> factors) {
    return current ->
        edit(
            current,
            poolName,
            pool -> {
              if (!pool.getSettings().getAdaptiveWeights().getEnabled()) {
                return pool;
              }
              Pool.Builder edited = pool.toBuilder().clearBackends();
              for (Backend backend : pool.getBackendsList()) {
                Double factor = factors.get(backend.getAddress());
                if (factor == null || backend.getState() != BackendState.ACTIVE) {
                  edited.addBackends(backend);
                  continue;
                }
                int effective = EffectiveWeights.of(backend.getWeight(), factor);
                edited.addBackends(
                    backend.toBuilder()
                        .setEffectiveWeight(
                            EffectiveWeights.stored(backend.getWeight(), effective)));
              }
              return edited.build();
            });
  }

  private static Mutation clearing(String poolName) {
    return current ->
        edit(
            current,
            poolName,
            pool -> {
              if (pool.getSettings().getAdaptiveWeights().getEnabled()) {
                return pool;
              }
              Pool.Builder edited = pool.toBuilder().clearBackends();
              pool.getBackendsList()
                  .forEach(b -> edited.addBackends(b.toBuilder().clearEffectiveWeight()));
              return edited.build();
            });
  }

  private static List<Pool> edit(List<Pool> current, String poolName, UnaryOperator<Pool> edit) {
    List<Pool> next = new ArrayList<>(current.size());
    for (Pool pool : current) {
      next.add(pool.getName().equals(poolName) ? edit.apply(pool) : pool);
    }
    return next;
  }

  private static String describe(Pool pool, Map<String, Double> factors) {
    List<String> parts = new ArrayList<>();
    for (Backend backend : pool.getBackendsList()) {
      Double factor = factors.get(backend.getAddress());
      if (factor != null) {
        parts.add(
            backend.getAddress()
                + "="
                + EffectiveWeights.of(backend.getWeight(), factor)
                + " (weight "
                + backend.getWeight()
                + ")");
      }
    }
    return String.join(", ", parts);
  }
}
