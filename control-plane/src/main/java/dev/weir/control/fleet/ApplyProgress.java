package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the fleet has got: the config version each connected proxy has in force, when each
 * version was accepted, and when every connected proxy had applied it. Tells waiters the moment
 * their version is in force everywhere, and listeners each version's fleet-wide push latency.
 *
 * <p>"Everywhere" is the proxies connected at the time: one that disconnects no longer holds a
 * version back, and one that connects does until it has applied it. Every change costs a few tree
 * operations, so a thousand proxies answering a push cost a thousand of them, not a thousand scans
 * of the fleet.
 */
final class ApplyProgress {
  private static final Logger log = LoggerFactory.getLogger(ApplyProgress.class);
  // Versions whose acceptance time is kept: any proxy applying one of these gets a push latency.
  private static final int KEPT_VERSIONS = 1024;

  private final Clock clock;
  private final FleetListener listener;
  private final Object lock = new Object();

  // The version each connected proxy has in force: this control plane's ProxyRecords, the keys
  // other replicas' proxies are counted under, and a key per missing replica, held at version 0
  // until it is followed again (what its proxies have in force is not known).
  @GuardedBy("lock")
  private final Map<Object, Long> inForce = new HashMap<>();

  // How many connected proxies have each version in force; the lowest key is how far the whole
  // fleet has got.
  @GuardedBy("lock")
  private final TreeMap<Long, Integer> proxiesAt = new TreeMap<>();

  @GuardedBy("lock")
  private final TreeMap<Long, Version> versions = new TreeMap<>();

  // Versions accepted but not yet in force everywhere.
  @GuardedBy("lock")
  private final TreeSet<Long> pending = new TreeSet<>();

  @GuardedBy("lock")
  private final TreeMap<Long, Set<Waiter>> waiters = new TreeMap<>();

  private static final class Version {
    final Instant acceptedAt;
    // Guarded by the progress's lock; a static class cannot name it in @GuardedBy.
    Instant everywhereAt;

    Version(Instant acceptedAt) {
      this.acceptedAt = acceptedAt;
    }
  }

  private static final class Waiter {
    final Runnable action;

    Waiter(Runnable action) {
      this.action = action;
    }
  }

  private record Completion(long version, Duration pushLatency) {}

  ApplyProgress(Clock clock, FleetListener listener) {
    this.clock = clock;
    this.listener = listener;
  }

  /** A new version was committed at {@code at}. */
  void accepted(long version, Instant at) {
    synchronized (lock) {
      Version accepted = new Version(at);
      versions.put(version, accepted);
      while (versions.size() > KEPT_VERSIONS) {
        pending.remove(versions.pollFirstEntry().getKey());
      }
      if (floorLocked() >= version) {
        // No proxy to push to, or every one already runs it (or something newer).
        accepted.everywhereAt = at;
      } else {
        pending.add(version);
      }
    }
  }

  /** When {@code version} was accepted, or null if not by this control plane or too long ago. */
  Instant acceptedAt(long version) {
    synchronized (lock) {
      Version v = versions.get(version);
      return v != null ? v.acceptedAt : null;
    }
  }

  /**
   * When every connected proxy first had {@code version} (or a newer one) in force, or null if that
   * has not happened or is not known.
   */
  Instant everywhereAt(long version) {
    synchronized (lock) {
      Version v = versions.get(version);
      return v != null ? v.everywhereAt : null;
    }
  }

  /** Whether every connected proxy has {@code version} or a newer one in force now. */
  boolean inForceEverywhere(long version) {
    synchronized (lock) {
      return floorLocked() >= version;
    }
  }

  /** A proxy connected, running {@code version}; ignored if its stream has already ended. */
  void connected(ProxyRecord proxy, long version) {
    add(proxy, version, proxy::connected);
  }

  /**
   * Counts {@code key} (another replica's proxy, or a missing replica) as a proxy with {@code
   * version} in force, until {@link #disconnected} removes it.
   */
  void counted(Object key, long version) {
    add(key, version, () -> true);
  }

  private void add(Object key, long version, BooleanSupplier stillThere) {
    List<Completion> completions = new ArrayList<>();
    List<Waiter> released = new ArrayList<>();
    synchronized (lock) {
      // Checked under this lock, which disconnected() takes after the record is marked: so a
      // stream replaced before it got here is never counted.
      if (!stillThere.getAsBoolean() || inForce.containsKey(key)) {
        return;
      }
      inForce.put(key, version);
      proxiesAt.merge(version, 1, Integer::sum);
      advanceLocked(completions, released);
    }
    notify(completions, released);
  }

  /** A connected proxy put {@code version} in force. */
  void applied(Object proxy, long version) {
    List<Completion> completions = new ArrayList<>();
    List<Waiter> released = new ArrayList<>();
    synchronized (lock) {
      Long previous = inForce.get(proxy);
      if (previous == null) {
        return;
      }
      inForce.put(proxy, version);
      removeLocked(previous);
      proxiesAt.merge(version, 1, Integer::sum);
      advanceLocked(completions, released);
    }
    notify(completions, released);
  }

  /** A proxy's stream ended (or was replaced); it no longer holds any version back. */
  void disconnected(Object proxy) {
    List<Completion> completions = new ArrayList<>();
    List<Waiter> released = new ArrayList<>();
    synchronized (lock) {
      Long previous = inForce.remove(proxy);
      if (previous == null) {
        return;
      }
      removeLocked(previous);
      advanceLocked(completions, released);
    }
    notify(completions, released);
  }

  /**
   * Runs {@code action} once every connected proxy has {@code version} or a newer one in force: at
   * once (on this thread) if they already have, else on the thread of the change that gets them
   * there. Returns what cancels the wait.
   */
  Runnable await(long version, Runnable action) {
    Waiter waiter = new Waiter(action);
    synchronized (lock) {
      if (floorLocked() < version) {
        waiters.computeIfAbsent(version, v -> new LinkedHashSet<>()).add(waiter);
        return () -> cancel(version, waiter);
      }
    }
    action.run();
    return () -> {};
  }

  private void cancel(long version, Waiter waiter) {
    synchronized (lock) {
      Set<Waiter> atVersion = waiters.get(version);
      if (atVersion != null && atVersion.remove(waiter) && atVersion.isEmpty()) {
        waiters.remove(version);
      }
    }
  }

  // The newest version every connected proxy has in force; with none connected, every version.
  @GuardedBy("lock")
  private long floorLocked() {
    return proxiesAt.isEmpty() ? Long.MAX_VALUE : proxiesAt.firstKey();
  }

  @GuardedBy("lock")
  private void removeLocked(long version) {
    proxiesAt.computeIfPresent(version, (v, count) -> count == 1 ? null : count - 1);
  }

  // Completes the versions and waiters the fleet has now reached.
  @GuardedBy("lock")
  private void advanceLocked(List<Completion> completions, List<Waiter> released) {
    long floor = floorLocked();
    if (!pending.isEmpty() && pending.first() <= floor) {
      Instant now = clock.instant();
      Iterator<Long> reached = pending.headSet(floor, true).iterator();
      while (reached.hasNext()) {
        long version = reached.next();
        reached.remove();
        Version v = versions.get(version);
        v.everywhereAt = now;
        // With nobody left connected nothing was pushed: the last proxy went away.
        if (!inForce.isEmpty()) {
          completions.add(new Completion(version, Duration.between(v.acceptedAt, now)));
        }
      }
    }
    if (!waiters.isEmpty() && waiters.firstKey() <= floor) {
      Iterator<Set<Waiter>> due = waiters.headMap(floor, true).values().iterator();
      while (due.hasNext()) {
        released.addAll(due.next());
        due.remove();
      }
    }
  }

  // Outside the lock: listeners and waiters may take other locks, and answer gRPC calls.
  private void notify(List<Completion> completions, List<Waiter> released) {
    for (Completion completion : completions) {
      listener.appliedEverywhere(completion.version(), completion.pushLatency());
    }
    for (Waiter waiter : released) {
      try {
        waiter.action.run();
      } catch (RuntimeException e) {
        log.error("a wait for an applied version failed", e);
      }
    }
  }
}
