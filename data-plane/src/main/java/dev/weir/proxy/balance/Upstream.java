package dev.weir.proxy.balance;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.stats.BackendCounters;

/** A backend a picker can choose, with the counters the relay updates for it. */
public record Upstream(BackendConfig config, BackendCounters counters) {}
