package dev.weir.control.watch;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which pools a revision touched, for watchers that follow only some pools. A {@link Revision} does
 * not name them, so they come from comparing the configuration a version produced with the one
 * before it, as the registry announced them.
 */
final class RevisionPools {
  // Enough for any revision event to arrive after its version was announced; snapshots share
  // unchanged pools, so each kept version costs little more than what changed in it.
  private static final int KEPT_VERSIONS = 64;

  @GuardedBy("this")
  private final TreeMap<Long, Map<String, Pool>> versions = new TreeMap<>();

  synchronized void record(ConfigSnapshot snapshot) {
    versions.put(snapshot.getVersion(), byName(snapshot));
    while (versions.size() > KEPT_VERSIONS) {
      versions.pollFirstEntry();
    }
  }

  /** The pools {@code revision} created, changed or deleted; null when that is not known. */
  Set<String> touched(Revision revision) {
    Map<String, Pool> before;
    Map<String, Pool> after;
    synchronized (this) {
      before = versions.get(revision.getVersion() - 1);
      after =
          revision.hasConfig() ? byName(revision.getConfig()) : versions.get(revision.getVersion());
    }
    if (before == null || after == null) {
      return null;
    }
    Set<String> touched = new HashSet<>();
    for (Map.Entry<String, Pool> pool : after.entrySet()) {
      if (!pool.getValue().equals(before.get(pool.getKey()))) {
        touched.add(pool.getKey());
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        touched.add(name);
      }
    }
    return touched;
  }

  private static Map<String, Pool> byName(ConfigSnapshot snapshot) {
    Map<String, Pool> pools = new HashMap<>();
    for (Pool pool : snapshot.getPoolsList()) {
      pools.put(pool.getName(), pool);
    }
    return pools;
  }
}
