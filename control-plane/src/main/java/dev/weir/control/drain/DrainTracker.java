package dev.weir.control.drain;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.fleet.FleetListener;
import dev.weir.control.pool.ConfigListener;
import dev.weir.control.reports.BackendKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every DRAINING backend's fleet-wide drain: the connections still open to it, summed over the
 * connected proxies' latest reports; DRAINED once every connected proxy has settled it (see {@link
 * BackendDrain}) or its deadline has passed, with how many connections the deadline cut.
 *
 * <p>Publishes a {@link DrainEvent} whenever a drain's status changes (a drain starting, its
 * remaining count moving, becoming DRAINED, or ending as NOT_DRAINING on undrain). Listens to the
 * fleet and the registry; {@link #tick} notices deadlines passing between reports.
 */
public final class DrainTracker implements FleetListener, ConfigListener {
  private static final Logger log = LoggerFactory.getLogger(DrainTracker.class);

  private final Clock clock;
  private final FleetEventSink events;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private long configVersion = -1;

  @GuardedBy("lock")
  private final Set<String> connected = new HashSet<>();

  // Connected proxies' latest reports, for the baselines of drains to come.
  @GuardedBy("lock")
  private final Map<String, StatsReport> latest = new HashMap<>();

  // Replicas whose proxies cannot be counted: no drain is DRAINED before its
  // deadline while there are any.
  @GuardedBy("lock")
  private List<String> unaccounted = List.of();

  @GuardedBy("lock")
  private final Map<BackendKey, BackendDrain> drains = new HashMap<>();

  public DrainTracker(Clock clock, FleetEventSink events) {
    this.clock = clock;
    this.events = events;
  }

  /** The backend's drain as it stands; NOT_DRAINING unless {@code backend} is DRAINING. */
  public DrainStatus status(String pool, Backend backend) {
    if (backend.getState() != BackendState.DRAINING) {
      return notDraining();
    }
    synchronized (lock) {
      BackendDrain drain = drains.get(new BackendKey(pool, backend.getAddress()));
      if (drain != null) {
        return drain.status(clock.instant(), connected.size(), unaccounted);
      }
    }
    // A config newer than this tracker has seen: the drain has only just begun.
    DrainStatus.Builder starting = DrainStatus.newBuilder().setState(DrainStatus.State.DRAINING);
    if (backend.hasDrainDeadline()) {
      starting.setDeadline(backend.getDrainDeadline());
    }
    return starting.build();
  }

  @Override
  public void configChanged(ConfigSnapshot snapshot) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      if (snapshot.getVersion() <= configVersion) {
        return;
      }
      configVersion = snapshot.getVersion();
      Instant now = clock.instant();
      Set<BackendKey> draining = new HashSet<>();
      for (Pool pool : snapshot.getPoolsList()) {
        for (Backend backend : pool.getBackendsList()) {
          if (backend.getState() == BackendState.DRAINING) {
            BackendKey key = new BackendKey(pool.getName(), backend.getAddress());
            draining.add(key);
            Timestamp deadline = backend.hasDrainDeadline() ? backend.getDrainDeadline() : null;
            BackendDrain drain = drains.get(key);
            if (drain == null) {
              drains.put(key, start(key, now, deadline));
            } else {
              drain.deadline(deadline);
            }
          }
        }
      }
      for (Iterator<BackendKey> it = drains.keySet().iterator(); it.hasNext(); ) {
        BackendKey key = it.next();
        if (!draining.contains(key)) {
          it.remove();
          out.add(event(key, notDraining(), now));
        }
      }
      publishChanges(now, out);
    }
    out.forEach(events::publish);
  }

  @Override
  public void proxyConnected(String proxyId) {
    // A new stream (perhaps from a restarted proxy): nothing the old one said still holds.
    forget(proxyId, true);
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    forget(proxyId, false);
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      connected.add(proxyId);
      latest.put(proxyId, report);
      if (drains.isEmpty()) {
        return;
      }
      Map<BackendKey, BackendStats> listed = new HashMap<>();
      for (BackendStats stats : report.getBackendsList()) {
        listed.put(BackendKey.of(stats), stats);
      }
      drains.forEach((key, drain) -> drain.observe(proxyId, listed.get(key)));
      publishChanges(clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  @Override
  public void coverageChanged(List<String> missingReplicas) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      unaccounted = List.copyOf(missingReplicas);
      publishChanges(clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  /** Publishes what changed with time alone: deadlines that have passed. */
  public void tick() {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      publishChanges(clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  private void forget(String proxyId, boolean stillConnected) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      if (stillConnected) {
        connected.add(proxyId);
      } else {
        connected.remove(proxyId);
      }
      latest.remove(proxyId);
      drains.values().forEach(d -> d.forget(proxyId));
      publishChanges(clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  @GuardedBy("lock")
  private BackendDrain start(BackendKey key, Instant now, Timestamp deadline) {
    Map<String, Long> baselines = new HashMap<>();
    Map<String, BackendStats> current = new HashMap<>();
    latest.forEach(
        (proxy, report) -> {
          for (BackendStats stats : report.getBackendsList()) {
            if (BackendKey.of(stats).equals(key)) {
              baselines.put(proxy, stats.getDrainClosedConnections());
              current.put(proxy, stats);
            }
          }
        });
    BackendDrain drain = new BackendDrain(now, deadline, baselines);
    for (String proxy : latest.keySet()) {
      drain.observe(proxy, current.get(proxy));
    }
    log.info(
        "backend {} in pool {} is draining{}",
        key.address(),
        key.pool(),
        deadline != null ? " (deadline " + Instant.ofEpochSecond(deadline.getSeconds()) + ")" : "");
    return drain;
  }

  @GuardedBy("lock")
  private void publishChanges(Instant now, List<FleetEvent> out) {
    drains.forEach(
        (key, drain) -> {
          DrainStatus status = drain.status(now, connected.size(), unaccounted);
          DrainStatus.State before = drain.publishedState();
          if (drain.changedSincePublished(status)) {
            if (status.getState() == DrainStatus.State.DRAINED
                && before != DrainStatus.State.DRAINED) {
              log.info(
                  "backend {} in pool {}: drained ({} connections open, {} cut at the deadline)",
                  key.address(),
                  key.pool(),
                  status.getRemainingConnections(),
                  status.getCutConnections());
            }
            out.add(event(key, status, now));
          }
        });
  }

  private static DrainStatus notDraining() {
    return DrainStatus.newBuilder().setState(DrainStatus.State.NOT_DRAINING).build();
  }

  private static FleetEvent event(BackendKey key, DrainStatus status, Instant now) {
    return FleetEvent.newBuilder()
        .setTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setDrain(
            DrainEvent.newBuilder().setPool(key.pool()).setBackend(key.address()).setStatus(status))
        .build();
  }
}
