package dev.weir.proxy.stats;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this proxy has seen of one backend of one pool since it started.
 *
 * <p>Written from every event loop, so the counters are {@link LongAdder}s: an add touches a
 * per-thread cell, not a shared cache line. The active count is the exception: it is an
 * {@link AtomicLong} because enforcing a per-backend connection limit needs an exact
 * check-and-increment. One instance lives as long as the backend stays in its pool across config
 * versions, so counts are cumulative.
 */
public final class BackendCounters {

  private final String pool;
  private final String address;
  // Connections being made or open; a slot is taken before connecting.
  private final AtomicLong active = new AtomicLong();
  private final LongAdder refused = new LongAdder();
  private final LongAdder drainClosed = new LongAdder();
  private final LongAdder total = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder bytesToBackend = new LongAdder();
  private final LongAdder bytesToClient = new LongAdder();
  private volatile BackendHealth health = BackendHealth.UNKNOWN;
  private volatile boolean draining;

  public BackendCounters(String pool, String address) {
    this.pool = pool;
    this.address = address;
  }

  public String address() {
    return address;
  }

  /**
   * Takes a connection slot before connecting, or refuses (and counts the refusal) when
   * {@code limit} slots are taken. A limit of 0 means unlimited.
   */
  public boolean tryAcquire(int limit) {
    if (limit <= 0) {
      active.incrementAndGet();
      return true;
    }
    long current;
    do {
      current = active.get();
      if (current >= limit) {
        refused.increment();
        return false;
      }
    } while (!active.compareAndSet(current, current + 1));
    return true;
  }

  /** Gives back the slot of a connection that failed to connect or has closed. */
  public void release() {
    active.decrementAndGet();
  }

  /** A connect succeeded after {@code latencyNanos}. */
  public void connected(long latencyNanos) {
    total.increment();
    if (health != BackendHealth.HEALTHY) {
      health = BackendHealth.HEALTHY;
    }
  }

  public void connectFailed() {
    connectFailures.increment();
    health = BackendHealth.UNHEALTHY;
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
    return active.get();
  }

  public BackendHealth health() {
    return health;
  }

  public BackendStats snapshot() {
    return BackendStats.newBuilder()
        .setPool(pool)
        .setAddress(address)
        .setActiveConnections(active.get())
        .setRefusedConnections(refused.sum())
        .setDrainClosedConnections(drainClosed.sum())
        .setTotalConnections(total.sum())
        .setConnectFailures(connectFailures.sum())
        .setBytesToBackend(bytesToBackend.sum())
        .setBytesToClient(bytesToClient.sum())
        .setHealth(health)
        .setDraining(draining)
        .build();
  }
}
