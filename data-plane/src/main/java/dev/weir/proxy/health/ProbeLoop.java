package dev.weir.proxy.health;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import io.netty.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * Probes one backend, one probe at a time: each starts a jittered interval after the previous one
 * started (or when it ends, if it took longer). The first comes within the jitter of starting, so a
 * new backend gets a verdict quickly. Stopping cancels the timer and abandons a probe in flight.
 *
 * <p>Fields are guarded by the pool's lock; the prober is called outside it, since a probe may
 * complete, and report, on the calling thread.
 */
final class ProbeLoop {

  private final PoolHealth pool;
  private final BackendHealthState backend;
  private final HealthCheckOptions options;
  private final ScheduledExecutorService scheduler;
  private final Prober prober;
  private final DoubleSupplier random;

  // Guarded by the pool's lock. Not @GuardedBy("pool"): PoolHealth holds it as its own 'this',
  // and Error Prone cannot see that the two are one lock.
  private ScheduledFuture<?> next;
  private Future<Boolean> inFlight;
  private boolean stopped;

  ProbeLoop(
      PoolHealth pool,
      BackendHealthState backend,
      HealthCheckOptions options,
      ScheduledExecutorService scheduler,
      Prober prober,
      DoubleSupplier random) {
    this.pool = pool;
    this.backend = backend;
    this.options = options;
    this.scheduler = scheduler;
    this.prober = prober;
    this.random = random;
  }

  /** Called under the pool's lock. */
  void start() {
    double jitter = options.jitterPercent() / 100.0;
    schedule((long) (options.interval().toNanos() * jitter * random.getAsDouble()));
  }

  /** Called under the pool's lock. Idempotent. */
  void stop() {
    stopped = true;
    if (next != null) {
      next.cancel(false);
      next = null;
    }
    if (inFlight != null) {
      inFlight.cancel(false);
      inFlight = null;
    }
  }

  private void schedule(long delayNanos) {
    try {
      next = scheduler.schedule(this::probe, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      stopped = true; // The proxy is shutting down.
    }
  }

  private void probe() {
    BackendConfig target;
    synchronized (pool) {
      if (stopped) {
        return;
      }
      next = null;
      target = backend.config;
    }
    long started = pool.ticker().nanoTime();
    Future<Boolean> probe;
    try {
      probe = prober.probe(target, options);
    } catch (RejectedExecutionException e) {
      return; // The event loops are shutting down.
    }
    synchronized (pool) {
      if (stopped) {
        probe.cancel(false);
        return;
      }
      inFlight = probe;
    }
    probe.addListener(f -> finished(probe, started));
  }

  private void finished(Future<Boolean> probe, long startedNanos) {
    if (probe.isCancelled()) {
      return;
    }
    boolean passed = probe.isSuccess() && Boolean.TRUE.equals(probe.getNow());
    pool.probed(backend, this, passed);
    synchronized (pool) {
      if (stopped || inFlight != probe) {
        return;
      }
      inFlight = null;
      schedule(startedNanos + jittered() - pool.ticker().nanoTime());
    }
  }

  /** The interval moved by up to the jitter percent either way. */
  private long jittered() {
    double jitter = options.jitterPercent() / 100.0;
    return (long) (options.interval().toNanos() * (1 + jitter * (2 * random.getAsDouble() - 1)));
  }
}
