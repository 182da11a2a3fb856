package dev.weir.control.fleet;

import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.StatsReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans each event out to every registered listener; one failing listener does not stop others. */
final class FleetListeners implements FleetListener {
  private static final Logger log = LoggerFactory.getLogger(FleetListeners.class);

  private final List<FleetListener> listeners = new CopyOnWriteArrayList<>();

  void add(FleetListener listener) {
    listeners.add(listener);
  }

  @Override
  public void proxyConnected(String proxyId) {
    each(l -> l.proxyConnected(proxyId));
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    each(l -> l.proxyDisconnected(proxyId));
  }

  @Override
  public void snapshotAcked(String proxyId, long version, Duration sinceSent) {
    each(l -> l.snapshotAcked(proxyId, version, sinceSent));
  }

  @Override
  public void snapshotApplied(String proxyId, long version, Duration pushLatency) {
    each(l -> l.snapshotApplied(proxyId, version, pushLatency));
  }

  @Override
  public void appliedEverywhere(long version, Duration pushLatency) {
    each(l -> l.appliedEverywhere(version, pushLatency));
  }

  @Override
  public void snapshotNacked(String proxyId, long version, String reason) {
    each(l -> l.snapshotNacked(proxyId, version, reason));
  }

  @Override
  public void poolFailed(String proxyId, long version, PoolApplyFailure failure) {
    each(l -> l.poolFailed(proxyId, version, failure));
  }

  @Override
  public void poolRecovered(String proxyId, long version, PoolApplyFailure pool) {
    each(l -> l.poolRecovered(proxyId, version, pool));
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    each(l -> l.statsReported(proxyId, report));
  }

  @Override
  public void coverageChanged(List<String> missingReplicas) {
    each(l -> l.coverageChanged(missingReplicas));
  }

  private void each(Consumer<FleetListener> event) {
    for (FleetListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        log.error("fleet listener {} failed", listener, e);
      }
    }
  }
}
