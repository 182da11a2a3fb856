package dev.weir.proxy.listen;

import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Pickers;
import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.stats.BackendCounters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One pool as this proxy runs it: its current picker and relay settings, swapped whole on every
 * config change, and its backends' counters, which outlive config changes for as long as the
 * backend stays.
 */
final class PoolRuntime {

  private final String name;
  private volatile Picker picker;
  private volatile RelaySettings relay;
  // Replaced whole, never mutated, so the stats reporter may read it from another thread.
  private volatile List<BackendCounters> counters = List.of();
  private volatile PoolConfig config;

  PoolRuntime(String name) {
    this.name = name;
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
  void update(PoolConfig next, RelaySettings nextRelay) {
    if (next.equals(config)) {
      relay = nextRelay;
      return; // Rebuilding an unchanged picker would only reset its rotation.
    }
    Map<String, BackendCounters> previous = new HashMap<>();
    for (BackendCounters c : counters) {
      previous.put(c.address(), c);
    }
    List<BackendCounters> nextCounters = new ArrayList<>(next.backends().size());
    List<Upstream> eligible = new ArrayList<>(next.backends().size());
    for (BackendConfig backend : next.backends()) {
      BackendCounters c = previous.get(backend.address());
      if (c == null) {
        c = new BackendCounters(name, backend.address());
      }
      c.draining(backend.draining());
      nextCounters.add(c);
      if (!backend.draining()) {
        eligible.add(new Upstream(backend, c));
      }
    }
    counters = List.copyOf(nextCounters);
    relay = nextRelay;
    picker = Pickers.create(next.algorithm(), eligible, next.options().maglevTableSize());
    config = next;
  }
}
