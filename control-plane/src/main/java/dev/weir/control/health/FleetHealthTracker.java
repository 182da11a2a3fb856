package dev.weir.control.health;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.HealthEvent;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.fleet.FleetListener;
import dev.weir.control.pool.BackendHealthView;
import dev.weir.control.pool.ConfigListener;
import dev.weir.control.reports.BackendKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each configured backend's health fleet-wide: the {@link QuorumRule} over the connected proxies'
 * latest verdicts, passed through a {@link FlapDamper}. Publishes a {@link HealthEvent} whenever
 * what it reports changes, and answers guards as their {@link BackendHealthView}.
 *
 * <p>A view only: proxies never see it, and each keeps balancing by its own checks, so a backend
 * unhealthy here still gets traffic from a proxy that reaches it.
 *
 * <p>Votes are counted as reports arrive, so a report costs time in proportion to its own length,
 * not to the size of the fleet.
 */
public final class FleetHealthTracker implements BackendHealthView, FleetListener, ConfigListener {
  private static final Logger log = LoggerFactory.getLogger(FleetHealthTracker.class);

  /**
   * What is reported for one backend.
   *
   * @param dampedUntil set while {@code health} is FLEET_DAMPED
   */
  public record Verdict(FleetHealth health, Instant dampedUntil) {
    static final Verdict UNKNOWN = new Verdict(FleetHealth.FLEET_UNKNOWN, null);
  }

  private final Clock clock;
  private final FleetEventSink events;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private long configVersion = -1;

  @GuardedBy("lock")
  private final Map<BackendKey, Votes> backends = new HashMap<>();

  @GuardedBy("lock")
  private final Map<String, Set<BackendKey>> votedBy = new HashMap<>();

  public FleetHealthTracker(Clock clock, FleetEventSink events) {
    this.clock = clock;
    this.events = events;
  }

  /** Unhealthy by quorum, or held down by damping. Unknown backends are not unhealthy. */
  @Override
  public boolean unhealthy(String pool, String address) {
    FleetHealth health = verdict(pool, address).health();
    return health == FleetHealth.FLEET_UNHEALTHY || health == FleetHealth.FLEET_DAMPED;
  }

  public Verdict verdict(String pool, String address) {
    synchronized (lock) {
      Votes votes = backends.get(new BackendKey(pool, address));
      if (votes == null) {
        return Verdict.UNKNOWN;
      }
      Instant now = clock.instant();
      return new Verdict(votes.damper.reported(now), votes.damper.dampedUntil(now));
    }
  }

  @Override
  public void configChanged(ConfigSnapshot snapshot) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      if (snapshot.getVersion() <= configVersion) {
        return;
      }
      configVersion = snapshot.getVersion();
      Set<BackendKey> configured = new HashSet<>();
      for (Pool pool : snapshot.getPoolsList()) {
        int quorum = QuorumRule.effective(pool.getSettings().getHealthQuorumPercent());
        for (Backend backend : pool.getBackendsList()) {
          BackendKey key = new BackendKey(pool.getName(), backend.getAddress());
          configured.add(key);
          backends.computeIfAbsent(key, k -> new Votes()).quorumPercent = quorum;
        }
      }
      // Votes on a removed backend go with it; the voters' sets are tidied by their next report.
      backends.keySet().retainAll(configured);
      evaluate(backends.keySet(), clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  @Override
  public void proxyConnected(String proxyId) {
    // A new stream: what the proxy's previous one said is no longer its view.
    withdraw(proxyId);
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    withdraw(proxyId);
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      Set<BackendKey> before = votedBy.getOrDefault(proxyId, Set.of());
      Set<BackendKey> now = new HashSet<>();
      Set<BackendKey> changed = new HashSet<>();
      for (BackendStats stats : report.getBackendsList()) {
        BackendKey key = BackendKey.of(stats);
        Votes votes = backends.get(key);
        if (votes == null) {
          continue;
        }
        now.add(key);
        if (votes.cast(proxyId, Vote.of(stats.getHealth()))) {
          changed.add(key);
        }
      }
      for (BackendKey key : before) {
        Votes votes = backends.get(key);
        if (!now.contains(key) && votes != null && votes.withdraw(proxyId)) {
          changed.add(key);
        }
      }
      if (now.isEmpty()) {
        votedBy.remove(proxyId);
      } else {
        votedBy.put(proxyId, now);
      }
      evaluate(changed, clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  /** Publishes what changed with time alone: holds that have run out. */
  public void tick() {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      evaluate(backends.keySet(), clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  private void withdraw(String proxyId) {
    List<FleetEvent> out = new ArrayList<>();
    synchronized (lock) {
      Set<BackendKey> voted = votedBy.remove(proxyId);
      if (voted == null) {
        return;
      }
      Set<BackendKey> changed = new HashSet<>();
      for (BackendKey key : voted) {
        Votes votes = backends.get(key);
        if (votes != null && votes.withdraw(proxyId)) {
          changed.add(key);
        }
      }
      evaluate(changed, clock.instant(), out);
    }
    out.forEach(events::publish);
  }

  @GuardedBy("lock")
  private void evaluate(Set<BackendKey> keys, Instant now, List<FleetEvent> out) {
    for (BackendKey key : keys) {
      Votes votes = backends.get(key);
      FleetHealth verdict = QuorumRule.verdict(votes.healthy, votes.unhealthy, votes.quorumPercent);
      FleetHealth reported = votes.damper.observe(verdict, now);
      if (reported == votes.reported) {
        continue;
      }
      FleetHealth previous = votes.reported;
      votes.reported = reported;
      log.info(
          "backend {} in pool {} is {} fleet-wide ({} of {} proxies with a view see it "
              + "unhealthy; quorum {}%)",
          key.address(),
          key.pool(),
          describe(reported),
          votes.unhealthy,
          votes.healthy + votes.unhealthy,
          votes.quorumPercent);
      out.add(
          FleetEvent.newBuilder()
              .setTime(
                  Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
              .setHealth(
                  HealthEvent.newBuilder()
                      .setPool(key.pool())
                      .setBackend(key.address())
                      .setHealth(reported)
                      .setPrevious(previous))
              .build());
    }
  }

  private static String describe(FleetHealth health) {
    return switch (health) {
      case FLEET_HEALTHY -> "healthy";
      case FLEET_UNHEALTHY -> "unhealthy";
      case FLEET_DAMPED -> "held down for flapping";
      default -> "of unknown health";
    };
  }

  /** What one proxy says about a backend, as the quorum counts it. */
  private enum Vote {
    HEALTHY,
    UNHEALTHY,
    ABSTAIN;

    static Vote of(BackendHealth health) {
      return switch (health) {
        case HEALTHY -> HEALTHY;
        case UNHEALTHY, EJECTED -> UNHEALTHY;
        // UNKNOWN, unset, or a value newer than this build: no verdict.
        default -> ABSTAIN;
      };
    }
  }

  /** One backend's votes, with running counts, and its damping. */
  private static final class Votes {
    final Map<String, Vote> byProxy = new HashMap<>();
    final FlapDamper damper = new FlapDamper();
    int healthy;
    int unhealthy;
    int quorumPercent = QuorumRule.DEFAULT_QUORUM_PERCENT;
    FleetHealth reported = FleetHealth.FLEET_UNKNOWN;

    /** Records the proxy's vote; true if the counts changed. */
    boolean cast(String proxyId, Vote vote) {
      Vote before = byProxy.put(proxyId, vote);
      if (before == vote) {
        return false;
      }
      count(before, -1);
      count(vote, 1);
      return true;
    }

    boolean withdraw(String proxyId) {
      Vote before = byProxy.remove(proxyId);
      count(before, -1);
      return before != null && before != Vote.ABSTAIN;
    }

    private void count(Vote vote, int delta) {
      if (vote == Vote.HEALTHY) {
        healthy += delta;
      } else if (vote == Vote.UNHEALTHY) {
        unhealthy += delta;
      }
    }
  }
}
