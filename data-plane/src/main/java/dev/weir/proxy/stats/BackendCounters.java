package dev.weir.proxy.stats;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this proxy has seen of one backend of one pool since it started.
 *
 * <p>Written from every event loop, so the counters are {@link LongAdder}s: an add touches a
 * per-thread cell, not a shared cache line. One instance lives as long as the backend stays in
 * its pool across config versions, so counts are cumulative.
 */
public final class BackendCounters {

  private final String pool;
  private final String address;
  private final LongAdder active = new LongAdder();
  private final LongAdder total = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();
  private final LongAdder bytesToBackend = new LongAdder();
  private final LongAdder bytesToClient = new LongAdder();
  private volatile BackendHealth health = BackendHealth.UNKNOWN;

  public BackendCounters(String pool, String address) {
    this.pool = pool;
    this.address = address;
  }

  public String address() {
    return address;
  }

  public void connected() {
    active.increment();
    total.increment();
    if (health != BackendHealth.HEALTHY) {
      health = BackendHealth.HEALTHY;
    }
  }

  public void disconnected() {
    active.decrement();
  }

  public void connectFailed() {
    connectFailures.increment();
    health = BackendHealth.UNHEALTHY;
  }

  public void toBackend(int bytes) {
    bytesToBackend.add(bytes);
  }

  public void toClient(int bytes) {
    bytesToClient.add(bytes);
  }

  public long active() {
    return active.sum();
  }

  public BackendHealth health() {
    return health;
  }

  public BackendStats snapshot() {
    return BackendStats.newBuilder()
        .setPool(pool)
        .setAddress(address)
        .setActiveConnections(active.sum())
        .setTotalConnections(total.sum())
        .setConnectFailures(connectFailures.sum())
        .setBytesToBackend(bytesToBackend.sum())
        .setBytesToClient(bytesToClient.sum())
        .setHealth(health)
        .build();
  }
}
