package dev.weir.cli.pool;

import dev.weir.api.v1.PoolSettings;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pool settings a command's flags give values to, together with the update_mask paths that name
 * them. Keeping both in one place is what lets {@code pool set} send exactly the fields the
 * operator typed, and {@code pool create} the same values without a mask.
 */
final class SettingsEdit {

  private static final String PREFIX = "settings.";

  private final PoolSettings.Builder settings = PoolSettings.newBuilder();
  private final Set<String> paths = new LinkedHashSet<>();

  /**
   * Records that the field at {@code path} (relative to PoolSettings, e.g. "limits.idle_timeout")
   * is being given a value, and returns the builder to put the value in.
   */
  PoolSettings.Builder set(String path) {
    paths.add(PREFIX + path);
    return settings;
  }

  /** Records that the field at {@code path} is to be cleared: named in the mask, left unset. */
  void clear(String path) {
    paths.add(PREFIX + path);
  }

  /** Adds another group's edits to this one. */
  void include(SettingsEdit other) {
    settings.mergeFrom(other.settings.build());
    paths.addAll(other.paths);
  }

  PoolSettings settings() {
    return settings.build();
  }

  /** True when some field has a value, as opposed to none given or only cleared ones. */
  boolean hasValues() {
    return !settings.build().equals(PoolSettings.getDefaultInstance());
  }

  /** The update_mask paths, relative to Pool, in the order the flags were given. */
  List<String> paths() {
    return List.copyOf(paths);
  }
}
