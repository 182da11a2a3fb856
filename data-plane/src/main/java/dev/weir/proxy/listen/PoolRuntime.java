package dev.weir.proxy.listen;

import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Pickers;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.health.HealthTracking;
import dev.weir.proxy.health.PoolHealth;
import dev.weir.proxy.health.Selection;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.BackendCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pool as this proxy runs it: its current picker and relay settings, and its backends' counters
 * and health, which outlive config changes for as long as the backend stays.
 *
 * <p>The picker is rebuilt whole and swapped on every config change and whenever the pool's health
 * changes who takes new connections or with what weight (see {@link PoolHealth}). Rebuilds hold
 * this object's lock, so a rebuild from a health event never swaps in a picker older than the
 * config applied last.
 */
final class PoolRuntime implements AutoCloseable {

  private final String name;
  private final PoolHealth health;
  private final Duration statsInterval;
  private volatile Picker picker;
  private volatile RelaySettings relay;
  // Replaced whole, never mutated, so the stats reporter may read it from another thread.
  private volatile List<BackendCounters> counters = List.of();
  private volatile PoolConfig config;

  /**
   * @param statsInterval what each backend's connect-latency percentiles cover
   */
  PoolRuntime(String name, HealthTracking tracking, Duration statsInterval) {
    this.name = name;
    this.statsInterval = statsInterval;
    this.health = tracking.forPool(name, this::rebuild);
  }

  String name() {
    return name;
  }

  Picker picker() {
    return picker;
  }

  RelaySettings relay() {
    return relay;
  }

  PoolConfig config() {
    return config;
  }

  List<BackendCounters> counters() {
    return counters;
  }

  /** Takes on a new config of this pool. Called by one thread at a time. */
  synchronized void update(PoolConfig next, RelaySettings nextRelay) {
    if (next.equals(config)) {
      relay = nextRelay;
      return; // Rebuilding an unchanged picker would only reset its rotation.
    }
    Map<String, BackendCounters> previous = new HashMap<>();
    for (BackendCounters c : counters) {
      previous.put(c.address(), c);
    }
    List<BackendCounters> nextCounters = new ArrayList<>(next.backends().size());
    for (BackendConfig backend : next.backends()) {
      BackendCounters c = previous.get(backend.address());
      if (c == null) {
        c = new BackendCounters(name, backend.address(), statsInterval, System::nanoTime);
      }
      c.draining(backend.draining());
      nextCounters.add(c);
    }
    health.update(next, nextCounters);
    counters = List.copyOf(nextCounters);
    relay = nextRelay;
    config = next;
    rebuild();
  }

  /** Builds the picker from the current config and health, and swaps it in. */
  synchronized void rebuild() {
    PoolConfig current = config;
    if (current == null) {
      return;
    }
    Selection selection = health.select();
    picker =
        Pickers.create(
            current.algorithm(), selection.upstreams(), current.options().maglevTableSize());
  }

  /** Stops the pool's health checks and timers. Idempotent. */
  @Override
  public void close() {
    health.close();
  }
}
