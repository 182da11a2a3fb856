package dev.weir.control.fleet;

import dev.weir.control.pool.PoolRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every proxy stream shares: the fleet's bookkeeping, the pools, and injected time.
 *
 * @param events told about each stream's life; called outside the fleet's locks
 * @param scheduler runs answer timeouts
 * @param answerTimeout how long a sent snapshot may go unanswered before a newer one may be sent
 */
record SessionContext(
    ProxyDirectory directory,
    ApplyProgress progress,
    PoolRegistry pools,
    FleetListener events,
    Clock clock,
    ScheduledExecutorService scheduler,
    Duration answerTimeout) {}
