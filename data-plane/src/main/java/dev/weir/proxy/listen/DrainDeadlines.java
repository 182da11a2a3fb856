package dev.weir.proxy.listen;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.relay.FrontendHandler;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections to DRAINING backends once the pool's drain timeout has passed since this
 * proxy learned of the drain. Connections are closed with FIN after what is queued is sent.
 */
final class DrainDeadlines {

  private static final Logger log = LoggerFactory.getLogger(DrainDeadlines.class);

  private final ScheduledExecutorService scheduler;
  private final Function<String, Listener> listenerOfPool;
  private final LongSupplier nanoTime;

  // Guarded by this. Keyed by pool name, then backend address.
  private final Map<String, Map<String, Drain>> drains = new HashMap<>();

  DrainDeadlines(ScheduledExecutorService scheduler, Function<String, Listener> listenerOfPool) {
    this(scheduler, listenerOfPool, System::nanoTime);
  }

  DrainDeadlines(ScheduledExecutorService scheduler, Function<String, Listener> listenerOfPool,
      LongSupplier nanoTime) {
    this.scheduler = scheduler;
    this.listenerOfPool = listenerOfPool;
    this.nanoTime = nanoTime;
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
        drain.schedule(pool.name(), backend.address(), pool.options().drainTimeout());
        current.put(backend.address(), drain);
      }
      next.put(pool.name(), current);
    }
    Set<Drain> kept = new HashSet<>();
    next.values().forEach(m -> kept.addAll(m.values()));
    drains.values().forEach(m -> m.values().stream()
        .filter(d -> !kept.contains(d)).forEach(Drain::cancel));
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
      ch.eventLoop().execute(() -> {
        FrontendHandler relay = ch.pipeline().get(FrontendHandler.class);
        if (relay != null) {
          relay.closeIfRelayingTo(address);
        }
      });
    }
    log.info("drain deadline for {} in pool {} passed; closing its remaining connections",
        address, pool);
  }

  /** One backend's drain: when it started here, and its pending deadline. */
  private final class Drain {
    final long startedNanos;
    Duration timeout = Duration.ZERO;
    ScheduledFuture<?> deadline;

    Drain(long startedNanos) {
      this.startedNanos = startedNanos;
    }

    void schedule(String pool, String address, Duration newTimeout) {
      if (newTimeout.equals(timeout) && (deadline != null || newTimeout.isZero())) {
        return;
      }
      cancel();
      timeout = newTimeout;
      if (newTimeout.isZero()) {
        return;
      }
      long delay = Math.max(0, startedNanos + newTimeout.toNanos() - nanoTime.getAsLong());
      deadline = scheduler.schedule(() -> expire(pool, address), delay, TimeUnit.NANOSECONDS);
    }

    void cancel() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
