package dev.weir.proxy.stats;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What this proxy has seen of one backend of one pool since it started.
 *
 * <p>Written from every event loop, so the counters are {@link LongAdder}s: an add touches a
 * per-thread cell, not a shared cache line. The active count is the exception: it is a {@link
 * CappedCount} because enforcing a per-backend connection limit needs an exact check-and-increment.
 * One instance lives as long as the backend stays in its pool across config versions, so counts are
 * cumulative.
 *
 * <p>Connect latency is the exception to "cumulative": a snapshot carries the p50 and p99 of the
 * last completed reporting interval, as {@link LatencyWindow} defines it.
 */
public final class BackendCounters {

  /** The interval connect-latency percentiles cover: weir-proxy's default --stats-interval. */
  public static final Duration DEFAULT_LATENCY_INTERVAL = Duration.ofSeconds(5);

  private final String pool;
  private final String address;
  // Connections being made or open; a slot is taken before connecting.
  private final CappedCount active = new CappedCount();
  private final LongAdder drainClosed = new LongAdder();
  private final LongAdder total = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder unanswered = new LongAdder();
  private final LongAdder bytesToBackend = new LongAdder();
  private final LongAdder bytesToClient = new LongAdder();
  private final LatencyHistogram connectLatency = new LatencyHistogram();
  private final LatencyWindow recentConnectLatency;
  private volatile BackendHealth health = BackendHealth.UNKNOWN;
  private volatile boolean draining;
  // The pool's health tracking for this backend; null until it hooks in.
  private volatile HealthTracker tracker;

  public BackendCounters(String pool, String address) {
    this(pool, address, DEFAULT_LATENCY_INTERVAL, System::nanoTime);
  }

  /**
   * @param latencyInterval what the snapshot's latency percentiles cover: the stats interval
   * @param nanoTime a monotonic clock, {@code System::nanoTime} outside tests
   */
  public BackendCounters(
      String pool, String address, Duration latencyInterval, LongSupplier nanoTime) {
    this.pool = pool;
    this.address = address;
    this.recentConnectLatency = new LatencyWindow(connectLatency, latencyInterval, nanoTime);
  }

  public String address() {
    return address;
  }

  public String pool() {
    return pool;
  }

  /**
   * Takes a connection slot before connecting, or refuses (and counts the refusal) when {@code
   * limit} slots are taken. A limit of 0 means unlimited.
   */
  public boolean tryAcquire(int limit) {
    return active.tryTake(limit);
  }

  /** Gives back the slot of a connection that failed to connect or has closed. */
  public void release() {
    active.release();
  }

  /** A connect succeeded after {@code latencyNanos}. */
  public void connected(long latencyNanos) {
    total.increment();
    connectLatency.record(latencyNanos);
    if (health != BackendHealth.HEALTHY) {
      health = BackendHealth.HEALTHY;
    }
    HealthTracker t = tracker;
    if (t != null) {
      t.connected();
    }
  }

  public void connectFailed() {
    connectFailures.increment();
    health = BackendHealth.UNHEALTHY;
    HealthTracker t = tracker;
    if (t != null) {
      t.connectFailed();
    }
  }

  /**
   * The backend sent its first bytes on a connection watched by the pool's response timeout: once
   * per such connection.
   */
  public void responded() {
    HealthTracker t = tracker;
    if (t != null) {
      t.responded();
    }
  }

  /** The backend sent nothing within the pool's response timeout after the client's bytes. */
  public void unanswered() {
    unanswered.increment();
    HealthTracker t = tracker;
    if (t != null) {
      t.unanswered();
    }
  }

  /** Hooks the pool's health tracking in, replacing any before it. */
  public void healthTracker(HealthTracker tracker) {
    this.tracker = tracker;
  }

  /** The backend is (or no longer is) DRAINING in the config in force. */
  public void draining(boolean draining) {
    this.draining = draining;
  }

  /** A connection was closed because its drain deadline passed. */
  public void drainClosed() {
    drainClosed.increment();
  }

  public void toBackend(int bytes) {
    bytesToBackend.add(bytes);
  }

  public void toClient(int bytes) {
    bytesToClient.add(bytes);
  }

  public long active() {
    return active.open();
  }

  /** The last connect's outcome; the stats report may say better (see {@link HealthTracker}). */
  public BackendHealth health() {
    return health;
  }

  public BackendStats snapshot() {
    LatencyWindow.Percentiles latency = recentConnectLatency.lastInterval();
    BackendStats.Builder stats =
        BackendStats.newBuilder()
            .setPool(pool)
            .setAddress(address)
            .setActiveConnections(active.open())
            .setRefusedConnections(active.refused())
            .setDrainClosedConnections(drainClosed.sum())
            .setTotalConnections(total.sum())
            .setConnectFailures(connectFailures.sum())
            .setUnansweredConnections(unanswered.sum())
            .setBytesToBackend(bytesToBackend.sum())
            .setBytesToClient(bytesToClient.sum())
            .setConnectLatencyP50Us(latency.p50Micros())
            .setConnectLatencyP99Us(latency.p99Micros())
            .setHealth(health)
            .setDraining(draining);
    HealthTracker t = tracker;
    if (t != null) {
      t.report(stats);
    }
    return stats.build();
  }

  /**
   * A pool's health tracking of this backend: hears every connect outcome, and reports better than
   * the last outcome when it knows better (active checks, an ejection).
   */
  public interface HealthTracker {

    /** On an event loop, for every connect: must be cheap and never block. */
    void connected();

    /** On an event loop, for every failed connect: must be cheap and never block. */
    void connectFailed();

    /**
     * On an event loop, once per connection watched by a response timeout that the backend
     * answered: must be cheap and never block.
     */
    void responded();

    /** On an event loop, for every connection the backend left unanswered: never blocks. */
    void unanswered();

    /** Overrides the health (and sets ejected_until) in a snapshot, or leaves them. */
    void report(BackendStats.Builder stats);
  }
}
