package dev.weir.control.pool;

import dev.weir.api.v1.Pool;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * What keeps {@code ImportConfig} from doing damage its caller did not mean: emptying the fleet
 * with a file that names no pools, and undoing a change made since the file was read. Both run as
 * part of the mutation, under the registry's lock, so dry runs refuse exactly as real imports do
 * and no other change can slip in between the check and the import.
 */
public final class ImportGuards {
  private ImportGuards() {}

  /**
   * {@code then}, unless it leaves no pools where there are some and {@code allowDeleteAll} is
   * false: FAILED_PRECONDITION naming the pools it would delete.
   */
  public static Mutation keepsSomePool(boolean allowDeleteAll, Mutation then) {
    return current -> {
      List<Pool> next = then.apply(current);
      if (next.isEmpty() && !current.isEmpty() && !allowDeleteAll) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "the import names no pools, so it would delete every pool ("
                    + String.join(", ", names(current))
                    + "); set allow_delete_all (weirctl "
                    + "import --delete-all) to delete them all")
            .asRuntimeException();
      }
      return next;
    };
  }

  /**
   * {@code then}, unless a pool it changes was changed after {@code baseVersion}, the version its
   * pools were read at: ABORTED naming both versions and those pools.
   *
   * @param basePools the pools at {@code baseVersion}, or null if the history no longer has them
   * @param currentVersion the registry's current version when the mutation runs
   */
  public static Mutation unchangedSince(
      long baseVersion, List<Pool> basePools, LongSupplier currentVersion, Mutation then) {
    return current -> {
      List<Pool> next = then.apply(current);
      long now = currentVersion.getAsLong();
      if (now == baseVersion) {
        return next;
      }
      if (now < baseVersion) {
        throw Status.ABORTED
            .withDescription(
                "the pools were read at config version "
                    + baseVersion
                    + ", newer than this control plane's "
                    + now
                    + ": from a control plane that "
                    + "is ahead of this one (retry once it has caught up) or from another fleet "
                    + "(set overwrite_newer, weirctl apply --force, to apply them as they are)")
            .asRuntimeException();
      }
      if (basePools == null) {
        throw Status.ABORTED
            .withDescription(
                "the pools were read at config version "
                    + baseVersion
                    + ", which the history no longer keeps (the current version is "
                    + now
                    + "), so what changed since is unknown; read them again, or set "
                    + "overwrite_newer (weirctl apply --force)")
            .asRuntimeException();
      }
      List<String> stale = changedSince(byName(basePools), byName(current), byName(next));
      if (!stale.isEmpty()) {
        throw Status.ABORTED
            .withDescription(
                "the pools were read at config version "
                    + baseVersion
                    + ", but the configuration is at version "
                    + now
                    + " and "
                    + (stale.size() == 1 ? "pool " : "pools ")
                    + String.join(", ", stale)
                    + (stale.size() == 1 ? " was" : " were")
                    + " changed since; this would undo "
                    + "that; read them again (weirctl get -o yaml), or set overwrite_newer "
                    + "(weirctl apply --force) to overwrite")
            .asRuntimeException();
      }
      return next;
    };
  }

  // The pools the change touches (differ between current and next) that also differ between
  // base and current.
  private static List<String> changedSince(
      Map<String, Pool> base, Map<String, Pool> current, Map<String, Pool> next) {
    TreeSet<String> names = new TreeSet<>(current.keySet());
    names.addAll(next.keySet());
    List<String> stale = new ArrayList<>();
    for (String name : names) {
      boolean touched = !Objects.equals(current.get(name), next.get(name));
      if (touched && !Objects.equals(base.get(name), current.get(name))) {
        stale.add(name);
      }
    }
    return stale;
  }

  private static Map<String, Pool> byName(List<Pool> pools) {
    Map<String, Pool> byName = new TreeMap<>();
    for (Pool pool : pools) {
      byName.put(pool.getName(), pool);
    }
    return byName;
  }

  private static List<String> names(List<Pool> pools) {
    return new ArrayList<>(byName(pools).keySet());
  }
}
