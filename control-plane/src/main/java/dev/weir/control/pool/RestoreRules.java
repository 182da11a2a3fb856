package dev.weir.control.pool;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.Pool;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole stored configuration against today's rules before it is made current again. It
 * only checks: a restore puts back exactly what was stored, so nothing is normalised here.
 */
final class RestoreRules {
  private RestoreRules() {}

  /**
   * @throws io.grpc.StatusRuntimeException naming the first field that breaks a rule
   */
  static void check(List<Pool> pools) {
    if (pools.size() > ConfigRules.MAX_POOLS) {
      throw ConfigRules.invalid(
          "it has " + pools.size() + " pools, more than the " + ConfigRules.MAX_POOLS + " allowed");
    }
    Set<String> names = new HashSet<>();
    for (Pool pool : pools) {
      String name = ConfigRules.poolName(pool.getName());
      if (!names.add(name)) {
        throw alreadyExists("pool \"" + name + "\" is listed twice");
      }
      MessageForm.rejectUnknownFields("pool \"" + name + "\"", pool);
      ConfigRules.listen(pool.getListen());
      ConfigRules.algorithm(pool.getAlgorithmValue());
      backends(pool);
      SettingsRules.settings(pool.getSettings());
      MaglevRules.check(pool, true);
    }
    ListenerSharing.check(pools, null);
  }

  private static void backends(Pool pool) {
    if (pool.getBackendsCount() > ConfigRules.MAX_BACKENDS_PER_POOL) {
      throw ConfigRules.invalid(
          "pool \""
              + pool.getName()
              + "\" has "
              + pool.getBackendsCount()
              + " backends, more than the "
              + ConfigRules.MAX_BACKENDS_PER_POOL
              + " allowed");
    }
    Set<String> addresses = new HashSet<>();
    for (Backend backend : pool.getBackendsList()) {
      String address = ConfigRules.backendAddress(backend.getAddress());
      if (!addresses.add(address)) {
        throw alreadyExists(
            "backend \"" + address + "\" is listed twice in pool \"" + pool.getName() + "\"");
      }
      ConfigRules.weight(backend.getWeight());
      ConfigRules.backendState(backend.getStateValue());
    }
  }

  private static StatusRuntimeException alreadyExists(String description) {
    return Status.ALREADY_EXISTS.withDescription(description).asRuntimeException();
  }
}
