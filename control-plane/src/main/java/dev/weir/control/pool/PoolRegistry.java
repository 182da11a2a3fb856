package dev.weir.control.pool;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.rules.ConfigDefaults;
import dev.weir.api.rules.RuleViolation;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.store.CommitOutcomeUnknownException;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.VersionConflictException;
import io.grpc.Status;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current configuration, and the one place it changes.
 *
 * <p>Readers get an immutable {@link ConfigSnapshot} without locking. Writers take turns: each
 * {@link Mutation} is checked against the current pools and the pools' guards, stored as version +
 * 1 together with its {@link Revision} (who, what, when), and only then published, announced to
 * listeners and reported as a fleet event (the revision without its config). A mutation that fails
 * validation or cannot be stored leaves everything as it was; a dry run goes as far as the diff and
 * stops.
 */
public final class PoolRegistry {
  private static final Logger log = LoggerFactory.getLogger(PoolRegistry.class);
  private static final Comparator<Pool> BY_NAME = Comparator.comparing(Pool::getName);

  private final ConfigStore store;
  private final Clock clock;
  private final FleetEventSink events;
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  // Written only while holding lock, so a mutation always builds on the latest version.
  private volatile ConfigSnapshot current;
  private volatile BackendHealthView health = BackendHealthView.NONE_UNHEALTHY;

  public PoolRegistry(
      ConfigStore store, ConfigSnapshot initial, Clock clock, FleetEventSink events) {
    this.store = store;
    this.clock = clock;
    this.events = events;
    this.current = withDefaults(initial);
  }

  /** A registry starting from the store's last committed snapshot, on the system clock. */
  public static PoolRegistry load(ConfigStore store) throws IOException {
    return load(store, Clock.systemUTC(), FleetEventSink.NONE);
  }

  /** A registry starting from the store's last committed snapshot. */
  public static PoolRegistry load(ConfigStore store, Clock clock, FleetEventSink events)
      throws IOException {
    return new PoolRegistry(store, store.load(), clock, events);
  }

  /** The newest committed configuration; its nonce is empty. */
  public ConfigSnapshot current() {
    return current;
  }

  public void addListener(ConfigListener listener) {
    listeners.add(listener);
  }

  /**
   * Lets guards leave out backends the fleet reports unhealthy. Until this is called, every ACTIVE
   * backend counts as healthy.
   */
  public void setHealthView(BackendHealthView health) {
    this.health = health;
  }

  /**
   * Applies {@code mutation} as an unnamed internal change and returns the resulting snapshot: a
   * new version, or the current one unchanged if the mutation changed nothing.
   *
   * @throws io.grpc.StatusRuntimeException as {@link #apply(Mutation, ChangeIntent)}
   */
  public ConfigSnapshot apply(Mutation mutation) {
    return apply(mutation, ChangeIntent.internal("Apply")).config();
  }

  /**
   * Applies {@code mutation} as {@code intent} says.
   *
   * @throws io.grpc.StatusRuntimeException the mutation's own error; FAILED_PRECONDITION if it
   *     breaks a pool's guards and is not forced; ABORTED if another writer committed first;
   *     UNAVAILABLE if the change could not be stored (nothing was); UNKNOWN if the store's answer
   *     was lost and whether it stored the change is not known. A dry run fails exactly as the real
   *     change would, short of storing it.
   */
  public ChangeOutcome apply(Mutation mutation, ChangeIntent intent) {
    ConfigSnapshot next;
    String diff;
    FleetEvent event;
    try {
      synchronized (lock) {
        ConfigSnapshot before = current;
        List<Pool> pools =
            ConfigDefaults.fill(mutation.apply(before.getPoolsList())).stream()
                .sorted(BY_NAME)
                .collect(Collectors.toList());
        if (pools.equals(before.getPoolsList())) {
          return new ChangeOutcome(before, "", intent.dryRun());
        }
        ConfigLimits.checkChange(before.getPoolsList(), pools);
        checkProxiesAccept(pools);
        List<String> lines = new ArrayList<>(ConfigDiff.lines(before.getPoolsList(), pools));
        List<GuardCheck.Violation> violations =
            GuardCheck.violations(before.getPoolsList(), pools, health);
        if (!violations.isEmpty()) {
          if (!intent.force()) {
            throw Status.FAILED_PRECONDITION
                .withDescription(GuardCheck.refusal(violations))
                .asRuntimeException();
          }
          violations.forEach(v -> lines.add(v.note()));
        }
        diff = String.join("\n", lines);
        if (intent.dryRun()) {
          ConfigSnapshot wouldBe = before.toBuilder().clearPools().addAllPools(pools).build();
          return new ChangeOutcome(wouldBe, diff, true);
        }
        next =
            ConfigSnapshot.newBuilder()
                .setVersion(before.getVersion() + 1)
                .setFleetId(before.getFleetId())
                .addAllPools(pools)
                .build();
        event = commitCurrent(before, next, diff, intent);
      }
    } catch (VersionConflictException conflict) {
      // Outside the lock: catching up reads the store and tells the listeners.
      throw lostRace(conflict);
    }
    log.info(
        "config version {} committed: {} by {}",
        next.getVersion(),
        intent.operation(),
        intent.actor());
    return published(next, diff, event);
  }

  /**
   * Makes the current pools the configuration of fleet {@code fleetId}, as one revision whose
   * version is above both {@code servedVersion} (the newest any of the fleet's proxies serves) and
   * the current one, so proxies that refused this control plane's config as another fleet's or as
   * older accept it. How an operator hands a fleet to a control plane whose store was lost,
   * replaced or restored from an older backup. Not guarded: the pools do not change.
   *
   * @throws io.grpc.StatusRuntimeException ABORTED if another writer committed first; UNAVAILABLE
   *     if the change could not be stored
   */
  public ChangeOutcome adoptFleet(String fleetId, long servedVersion, ChangeIntent intent) {
    ConfigSnapshot next;
    String diff;
    FleetEvent event;
    try {
      synchronized (lock) {
        ConfigSnapshot before = current;
        next =
            before.toBuilder()
                .setVersion(Math.max(servedVersion, before.getVersion()) + 1)
                .setFleetId(fleetId)
                .build();
        diff =
            "fleet "
                + describeFleet(before.getFleetId())
                + " -> "
                + fleetId
                + ", version "
                + before.getVersion()
                + " -> "
                + next.getVersion()
                + ", pools unchanged";
        if (intent.dryRun()) {
          return new ChangeOutcome(next, diff, true);
        }
        event = commitCurrent(before, next, diff, intent);
      }
    } catch (VersionConflictException conflict) {
      // Outside the lock: catching up reads the store and tells the listeners.
      throw lostRace(conflict);
    }
    log.warn(
        "config version {} committed: this control plane adopted fleet {} ({} by {})",
        next.getVersion(),
        fleetId,
        intent.operation(),
        intent.actor());
    return published(next, diff, event);
  }

  /**
   * Stores {@code next} with its revision and makes it current. Call holding lock.
   *
   * @return the event that announces the revision
   * @throws VersionConflictException if another writer committed first; nothing changed here
   * @throws io.grpc.StatusRuntimeException as {@link #commit} for a store that failed
   */
  private FleetEvent commitCurrent(
      ConfigSnapshot before, ConfigSnapshot next, String diff, ChangeIntent intent)
      throws VersionConflictException {
    Timestamp now = Timestamps.fromMillis(clock.millis());
    Revision revision =
        Revision.newBuilder()
            .setVersion(next.getVersion())
            .setTime(now)
            .setActor(intent.actor())
            .setOperation(intent.operation())
            .setDiff(diff)
            .build();
    commit(before, next, revision);
    current = next;
    return FleetEvent.newBuilder().setTime(now).setRevision(revision).build();
  }

  /** Tells the listeners and then the watchers about a committed change; outside the lock. */
  private ChangeOutcome published(ConfigSnapshot next, String diff, FleetEvent event) {
    notifyListeners(next);
    // After the listeners, so a follower that tracks configs has this version when it comes.
    events.publish(event);
    return new ChangeOutcome(next, diff, false);
  }

  private static String describeFleet(String fleetId) {
    return fleetId.isEmpty() ? "(none)" : fleetId;
  }

  /**
   * Makes {@code committed}, a snapshot another control plane already stored in the shared store,
   * current here, and tells the listeners (which push it to this control plane's proxies) and the
   * event watchers ({@code revision}, if known). Does nothing unless it is newer than the current
   * one.
   *
   * @param revision the revision that made it, without its config; null if it could not be read
   * @return whether it became current
   */
  public boolean adopt(ConfigSnapshot committed, Revision revision) {
    ConfigSnapshot next = withDefaults(committed);
    synchronized (lock) {
      if (next.getVersion() <= current.getVersion()) {
        return false;
      }
      current = next;
    }
    log.info(
        "config version {} adopted: committed through another control plane{}",
        next.getVersion(),
        revision != null
            ? " (" + revision.getOperation() + " by " + revision.getActor() + ")"
            : "");
    notifyListeners(next);
    if (revision != null) {
      events.publish(
          FleetEvent.newBuilder()
              .setTime(
                  revision.hasTime() ? revision.getTime() : Timestamps.fromMillis(clock.millis()))
              .setRevision(revision)
              .build());
    }
    return true;
  }

  /**
   * The final gate: the rules every proxy checks a snapshot against. The mutations' own checks give
   * better messages for what a request got wrong; this one makes sure that nothing they let through
   * is committed only to be refused by every proxy.
   */
  private static void checkProxiesAccept(List<Pool> pools) {
    try {
      SnapshotRules.check(ConfigSnapshot.newBuilder().addAllPools(pools).build());
    } catch (RuleViolation e) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              e.getMessage()
                  + "; the proxies would refuse this configuration, so "
                  + "nothing was changed")
          .asRuntimeException();
    }
  }

  /**
   * {@code snapshot} without its nonce and with the API's defaults filled in, so a configuration
   * stored before they were filled on every change reaches the proxies in a form they accept.
   * Filling them in changes no behaviour: the control plane always read unset as the default.
   */
  private static ConfigSnapshot withDefaults(ConfigSnapshot snapshot) {
    return snapshot.toBuilder()
        .clearNonce()
        .clearPools()
        .addAllPools(ConfigDefaults.fill(snapshot.getPoolsList()))
        .build();
  }

  private void notifyListeners(ConfigSnapshot next) {
    for (ConfigListener listener : listeners) {
      try {
        listener.configChanged(next);
      } catch (RuntimeException e) {
        log.error("config listener {} failed on version {}", listener, next.getVersion(), e);
      }
    }
  }

  /** Stores the change; throws the conflict if another writer committed first. */
  private void commit(ConfigSnapshot before, ConfigSnapshot next, Revision revision)
      throws VersionConflictException {
    try {
      store.commit(before.getVersion(), next, revision);
    } catch (CommitOutcomeUnknownException e) {
      // Not current here: if it was committed, the store's follower (etcd) brings it in.
      log.error("config version {} may or may not have been committed", next.getVersion(), e);
      throw Status.UNKNOWN
          .withDescription(
              "config version "
                  + next.getVersion()
                  + " may have been applied: "
                  + e.getMessage()
                  + "; check `weirctl history` before retrying")
          .withCause(e)
          .asRuntimeException();
    } catch (IOException e) {
      log.error("could not store config version {}", next.getVersion(), e);
      throw Status.UNAVAILABLE
          .withDescription("could not store the configuration: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  /**
   * The answer to a change that lost the race to the store: it is not retried, so of two
   * conflicting changes exactly one wins. Catches up with the winner first, so the caller's retry
   * builds on it.
   */
  private RuntimeException lostRace(VersionConflictException conflict) {
    try {
      adopt(store.load(), null);
    } catch (IOException e) {
      log.warn("could not read the configuration that won: {}", e.getMessage());
    }
    return Status.ABORTED
        .withDescription(
            "the configuration changed to version "
                + conflict.storedVersion()
                + " through another control plane while this change was being made; nothing was "
                + "applied; retry")
        .withCause(conflict)
        .asRuntimeException();
  }
}
