package dev.weir.control.pool;

import com.google.protobuf.FieldMask;
import com.google.protobuf.util.FieldMaskUtil;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.api.wire.HostPort;
import java.util.List;

/**
 * {@code UpdatePool}: copies the fields the mask names from the request's pool onto the current
 * one, then checks the result as a whole, as a create would.
 *
 * <p>A named field the request leaves unset is cleared, not kept: {@code settings.health_check}
 * with no health check in the request turns checks off. That is the only way to unset a field
 * through a mask, and what AIP-134 asks of update methods.
 */
final class PoolUpdate {
  private static final String ALLOWED =
      "allowed paths are listen, algorithm, settings and any path under settings "
          + "(e.g. settings.health_check, settings.limits.idle_timeout)";
  private static final List<String> TOP_LEVEL = List.of("listen", "algorithm", "settings");
  private static final FieldMaskUtil.MergeOptions REPLACE =
      new FieldMaskUtil.MergeOptions()
          .setReplaceMessageFields(true)
          .setReplaceRepeatedFields(true)
          .setReplacePrimitiveFields(true);

  private PoolUpdate() {}

  static Mutation of(UpdatePoolRequest request) {
    String name = ConfigRules.poolName(request.getPool().getName());
    FieldMask mask = checkMask(request.getUpdateMask());
    Pool source = request.getPool();
    boolean sizeInRequest = covers(mask, "settings.maglev_table_size");
    return current -> {
      Pool before = Pools.require(current, name);
      Pool.Builder merged = before.toBuilder();
      FieldMaskUtil.merge(mask, source, merged, REPLACE);
      HostPort listen = ConfigRules.listen(merged.getListen());
      merged
          .setListen(listen.toString())
          .setAlgorithm(ConfigRules.algorithm(merged.getAlgorithmValue()));
      PoolSettings settings = SettingsRules.settings(merged.getSettings());
      if (settings.equals(PoolSettings.getDefaultInstance())) {
        merged.clearSettings();
      } else {
        merged.setSettings(settings);
      }
      Pool after = merged.build();
      MaglevRules.check(after, sizeInRequest);
      List<Pool> next = Pools.replace(current, after);
      ListenerSharing.check(next, name);
      return next;
    };
  }

  /** The mask in normal form, once every path is known to be one UpdatePool may change. */
  private static FieldMask checkMask(FieldMask mask) {
    if (mask.getPathsCount() == 0) {
      throw ConfigRules.invalid("update_mask is empty: name the fields to change; " + ALLOWED);
    }
    for (String path : mask.getPathsList()) {
      checkPath(path);
    }
    return FieldMaskUtil.normalize(mask);
  }

  private static void checkPath(String path) {
    String root = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
    if (root.equals("name")) {
      throw ConfigRules.invalid(
          "update_mask path \""
              + path
              + "\" cannot be changed: pool.name "
              + "only finds the pool; "
              + ALLOWED);
    }
    if (root.equals("backends")) {
      throw ConfigRules.invalid(
          "update_mask path \""
              + path
              + "\" cannot be changed here: use "
              + "AddBackend, RemoveBackend, SetBackendWeight, DrainBackend or UndrainBackend; "
              + ALLOWED);
    }
    boolean wellFormed = !path.startsWith(".") && !path.endsWith(".") && !path.contains("..");
    boolean known =
        wellFormed
            && FieldMaskUtil.isValid(Pool.class, path)
            && (TOP_LEVEL.contains(path) || path.startsWith("settings."));
    if (!known) {
      throw ConfigRules.invalid(
          "update_mask path \""
              + path
              + "\" is not a field UpdatePool "
              + "can change; "
              + ALLOWED);
    }
  }

  /** Whether the normalized {@code mask} includes {@code path} (itself or a parent of it). */
  private static boolean covers(FieldMask mask, String path) {
    for (String masked : mask.getPathsList()) {
      if (path.equals(masked) || path.startsWith(masked + ".")) {
        return true;
      }
    }
    return false;
  }
}
