package dev.weir.proxy.health;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.BackendHealth;
import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import dev.weir.proxy.config.PoolOptions.OutlierOptions;
import dev.weir.proxy.stats.BackendCounters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which of one pool's backends take new connections, and with what weight.
 *
 * <ul>
 *   <li>A DRAINING backend never does; its health is still checked and reported.
 *   <li>With active checks, a backend the checks found UNHEALTHY does not (see {@link RiseFall}:
 *       one of unknown health does, so a new config never black-holes traffic).
 *   <li>With outlier detection (on by default), a backend whose connects failed {@code
 *       consecutiveFailures} times in a row, or (with a response timeout) that left as many
 *       connections in a row unanswered, is ejected for a while (see {@link EjectionPolicy}),
 *       unless that would take out more than the allowed share of the pool or leave no other
 *       backend eligible.
 *   <li>A backend that becomes eligible after the pool started (added, undrained, recovered or back
 *       from ejection) ramps up over the slow-start window (see {@link SlowStart}).
 *   <li>When no non-draining backend is eligible, the pool fails open: the picker chooses from all
 *       non-draining backends, as if none had failed, since refusing every client is worse than
 *       trying backends that may have recovered. Entering and leaving this state is logged at WARN.
 * </ul>
 *
 * <p>Whenever eligibility changes, and every ramp step while a backend ramps, it asks for the
 * picker to be rebuilt by running the {@code rebuild} callback on the scheduler, never on the event
 * loop that noticed the change. The callback calls {@link #select()}.
 *
 * <p>One lock guards the state; it is held only for bookkeeping, never for I/O or picker builds.
 * The relay's per-connection path takes no lock (see {@link BackendHealthState}).
 */
public final class PoolHealth implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PoolHealth.class);

  /** What a failure streak counted, for the ejection's log line. */
  static final String CONNECT_FAILURES = "consecutive connect failures";

  static final String UNANSWERED = "consecutive connections unanswered within the response timeout";

  private final String pool;
  private final ScheduledExecutorService scheduler;
  private final Ticker ticker;
  private final Prober prober;
  private final DoubleSupplier random;
  private final Runnable rebuild;
  private final AtomicBoolean rebuildQueued = new AtomicBoolean();
  // 0 when outlier detection is off. Read by the relay on every failed connect and every
  // unanswered connection.
  private volatile int failureThreshold;

  @GuardedBy("this")
  private final Map<String, BackendHealthState> backends = new LinkedHashMap<>();

  @GuardedBy("this")
  private PoolConfig config;

  @GuardedBy("this")
  private EjectionPolicy ejection;

  @GuardedBy("this")
  private SlowStart slowStart = new SlowStart(Duration.ZERO);

  @GuardedBy("this")
  private ScheduledFuture<?> rampStep;

  @GuardedBy("this")
  private boolean failingOpen;

  @GuardedBy("this")
  private boolean closed;

  /**
   * @param scheduler runs probes' timers, ejection ends and {@code rebuild}
   * @param random in [0, 1), for the checks' jitter
   * @param rebuild rebuilds the pool's picker from {@link #select()}
   */
  PoolHealth(
      String pool,
      ScheduledExecutorService scheduler,
      Ticker ticker,
      Prober prober,
      DoubleSupplier random,
      Runnable rebuild) {
    this.pool = pool;
    this.scheduler = scheduler;
    this.ticker = ticker;
    this.prober = prober;
    this.random = random;
    this.rebuild = rebuild;
  }

  /**
   * Takes on the pool's config: tracks new backends, forgets removed ones, and starts, restarts or
   * stops checks as the settings say. Backends of the first config don't ramp: with nothing to ramp
   * against, ramping them all would change no one's share.
   *
   * @param counters the backends' counters, parallel to {@code next.backends()}; tracking hooks
   *     into them to hear connect outcomes and report health
   */
  public synchronized void update(PoolConfig next, List<BackendCounters> counters) {
    if (closed) {
      return;
    }
    long now = ticker.nanoTime();
    boolean first = config == null;
    HealthCheckOptions checks = next.options().healthCheck();
    boolean checksChanged = first || !Objects.equals(config.options().healthCheck(), checks);
    OutlierOptions outlier = next.options().outlier();
    ejection = new EjectionPolicy(outlier);
    slowStart = new SlowStart(next.options().slowStart());
    failureThreshold = outlier.enabled() ? outlier.consecutiveFailures() : 0;

    Map<String, BackendHealthState> kept = new LinkedHashMap<>();
    for (int i = 0; i < next.backends().size(); i++) {
      BackendConfig backend = next.backends().get(i);
      BackendCounters c = counters.get(i);
      BackendHealthState state = backends.remove(backend.address());
      boolean wasEligible;
      if (state == null || state.counters != c) {
        if (state != null) {
          stop(state);
        }
        state = new BackendHealthState(this, c, backend);
        c.healthTracker(state);
        wasEligible = first;
      } else {
        wasEligible = state.eligible();
        state.config = backend;
      }
      if (checksChanged || state.probes == null && checks != null) {
        restartChecks(state, checks);
      }
      if (!outlier.enabled() && state.ejected) {
        endEjection(state, now);
      }
      becameEligible(state, wasEligible);
      state.publish();
      kept.put(backend.address(), state);
    }
    backends.values().forEach(this::stop);
    backends.clear();
    backends.putAll(kept);
    config = next;
  }

  /** The backends the picker should choose from now, with effective weights. */
  public synchronized Selection select() {
    if (config == null) {
      return new Selection(List.of(), false, false);
    }
    long now = ticker.nanoTime();
    Selection selection = Selection.of(backends.values(), slowStart, now);
    if (selection.failOpen() != failingOpen) {
      failingOpen = selection.failOpen();
      if (failingOpen) {
        log.warn(
            "pool {}: no backend is eligible (all unhealthy or ejected); failing open to"
                + " all {} non-draining backends",
            pool,
            selection.upstreams().size());
      } else {
        log.warn(
            "pool {}: {} backend(s) eligible again; no longer failing open",
            pool,
            selection.upstreams().size());
      }
    }
    if (selection.ramping() && rampStep == null && !closed) {
      rampStep = schedule(this::rampStepDue, slowStart.stepNanos());
    }
    return selection;
  }

  /** Stops every check and timer. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    backends.values().forEach(this::stop);
    if (rampStep != null) {
      rampStep.cancel(false);
      rampStep = null;
    }
  }

  Ticker ticker() {
    return ticker;
  }

  int failureThreshold() {
    return failureThreshold;
  }

  /** A probe of {@code backend} by {@code loop} passed or failed. Called on an event loop. */
  void probed(BackendHealthState backend, ProbeLoop loop, boolean passed) {
    boolean eligibilityChanged;
    synchronized (this) {
      if (closed || backend.probes != loop) {
        return; // A result from checks since stopped or restarted.
      }
      boolean wasEligible = backend.eligible();
      BackendHealth before = backend.checks.verdict();
      if (!backend.checks.record(passed)) {
        return;
      }
      BackendHealth after = backend.checks.verdict();
      if (before == BackendHealth.UNKNOWN && after == BackendHealth.HEALTHY) {
        log.debug(
            "pool {}: backend {} passed its first health check", pool, backend.config.address());
      } else {
        log.info(
            "pool {}: backend {} is now {} by its health checks",
            pool,
            backend.config.address(),
            after);
      }
      becameEligible(backend, wasEligible);
      eligibilityChanged = wasEligible != backend.eligible();
      backend.publish();
    }
    if (eligibilityChanged) {
      requestRebuild();
    }
  }

  /**
   * {@code backend}'s connects failed, or its connections went unanswered, the threshold number of
   * times in a row: ejects it if the limits allow. Called on an event loop; the streaks start over
   * either way.
   *
   * @param what {@link #CONNECT_FAILURES} or {@link #UNANSWERED}
   */
  void tooManyFailures(BackendHealthState backend, String what) {
    synchronized (this) {
      backend.resetFailures();
      if (closed
          || failureThreshold == 0
          || backend.ejected
          || backend.config.draining()
          || backends.get(backend.config.address()) != backend) {
        return;
      }
      if (!ejection.allows(backend, backends.values())) {
        log.debug(
            "pool {}: not ejecting {}: too many backends are out already",
            pool,
            backend.config.address());
        return;
      }
      long duration = ejection.count(backend, ticker.nanoTime());
      backend.ejected = true;
      backend.ejectionEnd = schedule(() -> ejectionOver(backend), duration);
      backend.ejectedUntil(ticker.currentTimeMillis() + TimeUnit.NANOSECONDS.toMillis(duration));
      backend.publish();
      log.info(
          "pool {}: ejecting backend {} for {} ms after {} {} (ejection {})",
          pool,
          backend.config.address(),
          TimeUnit.NANOSECONDS.toMillis(duration),
          failureThreshold,
          what,
          backend.ejections);
    }
    requestRebuild();
  }

  private void ejectionOver(BackendHealthState backend) {
    synchronized (this) {
      if (closed || !backend.ejected || backends.get(backend.config.address()) != backend) {
        return;
      }
      endEjection(backend, ticker.nanoTime());
      backend.publish();
      log.info("pool {}: backend {} is back from ejection", pool, backend.config.address());
    }
    requestRebuild();
  }

  @GuardedBy("this")
  private void endEjection(BackendHealthState backend, long now) {
    if (backend.ejectionEnd != null) {
      backend.ejectionEnd.cancel(false);
      backend.ejectionEnd = null;
    }
    backend.ejected = false;
    backend.returnedNanos = now;
    backend.resetFailures();
    becameEligible(backend, false);
  }

  /** Starts {@code backend}'s ramp if it just became eligible. @return whether it did */
  private boolean becameEligible(BackendHealthState backend, boolean wasEligible) {
    if (!wasEligible && backend.eligible()) {
      backend.eligibleSinceNanos = ticker.nanoTime();
      return true;
    }
    return false;
  }

  @GuardedBy("this")
  private void restartChecks(BackendHealthState backend, HealthCheckOptions checks) {
    if (backend.probes != null) {
      backend.probes.stop();
      backend.probes = null;
    }
    if (checks == null) {
      backend.checks = null;
      return;
    }
    // New settings keep the verdict; only the streak towards the next one starts over.
    backend.checks =
        new RiseFall(
            checks.rise(),
            checks.fall(),
            backend.checks == null ? BackendHealth.UNKNOWN : backend.checks.verdict());
    backend.probes = new ProbeLoop(this, backend, checks, scheduler, prober, random);
    backend.probes.start();
  }

  @GuardedBy("this")
  private void stop(BackendHealthState backend) {
    if (backend.probes != null) {
      backend.probes.stop();
      backend.probes = null;
    }
    if (backend.ejectionEnd != null) {
      backend.ejectionEnd.cancel(false);
      backend.ejectionEnd = null;
    }
  }

  private void rampStepDue() {
    synchronized (this) {
      rampStep = null;
    }
    requestRebuild();
  }

  /** Runs {@code rebuild} on the scheduler soon; requests made before it runs are merged. */
  private void requestRebuild() {
    if (!rebuildQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      scheduler.execute(
          () -> {
            rebuildQueued.set(false);
            rebuild.run();
          });
    } catch (RejectedExecutionException e) {
      rebuildQueued.set(false); // Shutting down: no picker will be needed.
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // Shutting down.
    }
  }
}
