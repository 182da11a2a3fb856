package dev.weir.control.view;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.control.adaptive.AdaptiveWeightsLoop;
import dev.weir.control.drain.DrainTracker;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.ha.Leadership;
import dev.weir.control.health.FleetHealthTracker;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.reports.ReportHistory;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control plane knows about its backends across the fleet, beyond the stored config: rates
 * between reports ({@link ReportHistory}), health by quorum with flap damping ({@link
 * FleetHealthTracker}, also the registry's view for guards), drain progress ({@link DrainTracker})
 * and adaptive weights ({@link AdaptiveWeightsLoop}).
 *
 * <p>Reports and config changes update it as they arrive; a tick every {@link #TICK} catches what
 * changes with time alone (a damping hold running out, a drain deadline passing, a pool due for new
 * weights). Time comes from the injected clock; the ticking thread is the view's own.
 */
public final class FleetView implements AutoCloseable {
  public static final Duration TICK = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(FleetView.class);

  private final ReportHistory reports;
  private final FleetHealthTracker health;
  private final DrainTracker drains;
  private final AdaptiveWeightsLoop adaptive;
  private final Leadership leadership;
  private final ScheduledExecutorService scheduler;

  @GuardedBy("this")
  private ScheduledFuture<?> ticking;

  @GuardedBy("this")
  private boolean closed;

  /** Builds the view and subscribes it to {@code fleet} and {@code pools}; {@link #start} ticks. */
  public FleetView(PoolRegistry pools, ProxyFleet fleet, Clock clock, FleetEventSink events) {
    this(pools, fleet, clock, events, Leadership.ALWAYS);
  }

  /**
   * As above, with adaptive weights (which commit revisions) run only while {@code leadership} says
   * this control plane leads; the rest only observes this control plane's proxies and runs
   * everywhere.
   */
  public FleetView(
      PoolRegistry pools,
      ProxyFleet fleet,
      Clock clock,
      FleetEventSink events,
      Leadership leadership) {
    this.leadership = leadership;
    this.reports = new ReportHistory(clock);
    this.health = new FleetHealthTracker(clock, events);
    this.drains = new DrainTracker(clock, events);
    this.adaptive = new AdaptiveWeightsLoop(pools, reports, clock);
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-fleet-view");
              t.setDaemon(true);
              return t;
            });
    // Every replica's proxies, so health by quorum, drains, rates and the leader's adaptive
    // weights count every proxy's report whichever replica it reports to.
    fleet.addFleetWideListener(reports);
    fleet.addFleetWideListener(health);
    fleet.addFleetWideListener(drains);
    pools.addListener(health);
    pools.addListener(drains);
    health.configChanged(pools.current());
    drains.configChanged(pools.current());
    pools.setHealthView(health);
  }

  /** Starts ticking. Idempotent. */
  public synchronized FleetView start() {
    if (ticking == null && !closed) {
      ticking =
          scheduler.scheduleWithFixedDelay(
              this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }
    return this;
  }

  public ReportHistory reports() {
    return reports;
  }

  public FleetHealthTracker health() {
    return health;
  }

  public DrainTracker drains() {
    return drains;
  }

  /** One round of time-driven updates; the ticking thread calls it, tests may too. */
  public void tick() {
    run("health", health::tick);
    run("drains", drains::tick);
    if (leadership.isLeader()) {
      run("adaptive weights", adaptive::tick);
    }
  }

  /** Stops ticking. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    scheduler.shutdownNow();
  }

  private static void run(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      // One failing part must not stop the others, or the next tick.
      log.error("fleet view: {} tick failed", what, e);
    }
  }
}
