package dev.weir.proxy.listen;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.relay.FrontendHandler;
import dev.weir.proxy.stats.BackendCounters;
import io.netty.channel.Channel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections to DRAINING backends at the drain's deadline: the pool's drain timeout after
 * this proxy learned of the drain, or the backend's fleet-wide drain deadline (an absolute time the
 * control plane set), whichever comes first. A fleet-wide deadline already past closes them at
 * once. Connections are closed with FIN after what is queued is sent.
 */
final class DrainDeadlines {

  private static final Logger log = LoggerFactory.getLogger(DrainDeadlines.class);
  private static final Duration MAX_DELAY = Duration.ofDays(365);

  private final ScheduledExecutorService scheduler;
  private final Function<String, Listener> listenerOfPool;
  private final LongSupplier nanoTime;
  private final Clock wallClock;

  // Keyed by pool name, then backend address.
  @GuardedBy("this")
  private final Map<String, Map<String, Drain>> drains = new HashMap<>();

  DrainDeadlines(ScheduledExecutorService scheduler, Function<String, Listener> listenerOfPool) {
    this(scheduler, listenerOfPool, System::nanoTime, Clock.systemUTC());
  }

  /**
   * @param nanoTime measures drain timeouts, which run from when this proxy learned of a drain
   * @param wallClock reads fleet-wide drain deadlines, which are times of day
   */
  DrainDeadlines(
      ScheduledExecutorService scheduler,
      Function<String, Listener> listenerOfPool,
      LongSupplier nanoTime,
      Clock wallClock) {
    this.scheduler = scheduler;
    this.listenerOfPool = listenerOfPool;
    this.nanoTime = nanoTime;
    this.wallClock = wallClock;
  }

  /** Starts, moves or cancels deadlines to match the config in force. */
  synchronized void update(List<PoolConfig> pools) {
    Map<String, Map<String, Drain>> next = new HashMap<>();
    for (PoolConfig pool : pools) {
      Map<String, Drain> previous = drains.getOrDefault(pool.name(), Map.of());
      Map<String, Drain> current = new HashMap<>();
      for (BackendConfig backend : pool.backends()) {
        if (!backend.draining()) {
          continue;
        }
        Drain drain = previous.get(backend.address());
        if (drain == null) {
          drain = new Drain(nanoTime.getAsLong());
        }
        drain.schedule(
            pool.name(), backend.address(), pool.options().drainTimeout(), backend.drainDeadline());
        current.put(backend.address(), drain);
      }
      next.put(pool.name(), current);
    }
    Set<Drain> kept = new HashSet<>();
    next.values().forEach(m -> kept.addAll(m.values()));
    drains
        .values()
        .forEach(m -> m.values().stream().filter(d -> !kept.contains(d)).forEach(Drain::cancel));
    drains.clear();
    drains.putAll(next);
  }

  synchronized void close() {
    drains.values().forEach(m -> m.values().forEach(Drain::cancel));
    drains.clear();
  }

  private void expire(String pool, String address) {
    Listener listener = listenerOfPool.apply(pool);
    if (listener == null) {
      return;
    }
    for (Channel ch : listener.connections()) {
      ch.eventLoop()
          .execute(
              () -> {
                FrontendHandler relay = ch.pipeline().get(FrontendHandler.class);
                // Pools sharing a CONNECT listener may have a backend in common.
                BackendCounters to = relay == null ? null : relay.backend();
                if (to != null && to.address().equals(address) && to.pool().equals(pool)) {
                  to.drainClosed();
                  relay.closeGracefully();
                }
              });
    }
    log.info(
        "drain deadline for {} in pool {} passed; closing its remaining connections",
        address,
        pool);
  }

  /** One backend's drain: when it started here, and its pending deadline. */
  private final class Drain {
    final long startedNanos;
    Duration timeout = Duration.ZERO;
    Instant fleetDeadline;
    ScheduledFuture<?> deadline;
    boolean expired;
    // Bumped by every (re)schedule and cancel, so a superseded run that already started does
    // nothing.
    long generation;

    Drain(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    /**
     * (Re)schedules the close for the earlier of the two deadlines; {@code newFleetDeadline} may be
     * null. A drain whose deadline already fired stays done: the backend takes no new connections,
     * so there is nothing more to close unless the deadline moves.
     */
    void schedule(String pool, String address, Duration newTimeout, Instant newFleetDeadline) {
      boolean unchanged =
          newTimeout.equals(timeout) && Objects.equals(newFleetDeadline, fleetDeadline);
      if (unchanged && (deadline != null || expired || !hasDeadline())) {
        return;
      }
      cancel();
      timeout = newTimeout;
      fleetDeadline = newFleetDeadline;
      expired = false;
      if (!hasDeadline()) {
        return;
      }
      long nowNanos = nanoTime.getAsLong();
      long delay = Long.MAX_VALUE;
      if (!timeout.isZero()) {
        delay = Math.max(0, startedNanos + timeout.toNanos() - nowNanos);
      }
      if (fleetDeadline != null) {
        delay = Math.min(delay, nanosUntil(fleetDeadline));
      }
      long scheduled = ++generation;
      deadline =
          scheduler.schedule(
              () -> {
                synchronized (DrainDeadlines.this) {
                  if (generation != scheduled) {
                    return; // Rescheduled while this run waited for the lock.
                  }
                  expired = true;
                  deadline = null;
                }
                expire(pool, address);
              },
              delay,
              TimeUnit.NANOSECONDS);
    }

    private boolean hasDeadline() {
      return !timeout.isZero() || fleetDeadline != null;
    }

    private long nanosUntil(Instant when) {
      Duration left = Duration.between(wallClock.instant(), when);
      if (left.isNegative()) {
        return 0;
      }
      // Deadlines are at most a day away; saturate rather than overflow on a wild one.
      return left.compareTo(MAX_DELAY) > 0 ? MAX_DELAY.toNanos() : left.toNanos();
    }

    void cancel() {
      generation++;
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
