package dev.weir.control.pool;

import com.google.protobuf.Timestamp;
import dev.weir.api.rules.ConfigDefaults;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.api.wire.HostPort;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The changes the admin API offers. Each factory checks the request's own fields at once (so a
 * malformed request never takes the registry lock) and returns a {@link Mutation} that checks it
 * against the current pools.
 */
public final class PoolMutations {
  private PoolMutations() {}

  public static Mutation createPool(CreatePoolRequest request) {
    String name = ConfigRules.poolName(request.getName());
    HostPort listen = ConfigRules.listen(request.getListen());
    Pool.Builder pool =
        Pool.newBuilder()
            .setName(name)
            .setListen(listen.toString())
            .setAlgorithm(ConfigRules.algorithm(request.getAlgorithmValue()));
    if (request.getBackendsCount() > ConfigRules.MAX_BACKENDS_PER_POOL) {
      throw ConfigRules.invalid(
          "backends: a pool has at most "
              + ConfigRules.MAX_BACKENDS_PER_POOL
              + " backends, got "
              + request.getBackendsCount());
    }
    Set<String> addresses = new HashSet<>();
    for (Backend backend : request.getBackendsList()) {
      String address = ConfigRules.backendAddress(backend.getAddress());
      if (!addresses.add(address)) {
        throw alreadyExists("backend \"" + address + "\" is listed twice");
      }
      // On the wire an unset weight is 0, which here means the default rather than an error.
      int weight =
          backend.getWeight() == 0
              ? ConfigDefaults.WEIGHT
              : ConfigRules.weight(backend.getWeight());
      pool.addBackends(
          Backend.newBuilder()
              .setAddress(address)
              .setWeight(weight)
              .setState(ConfigRules.backendState(backend.getStateValue())));
    }
    if (request.hasSettings()) {
      PoolSettings settings = SettingsRules.settings(request.getSettings());
      if (!settings.equals(PoolSettings.getDefaultInstance())) {
        pool.setSettings(settings);
      }
    }
    Pool created = pool.build();
    MaglevRules.check(created, true);
    return current -> {
      if (Pools.find(current, name).isPresent()) {
        throw alreadyExists("pool \"" + name + "\" already exists");
      }
      if (current.size() >= ConfigRules.MAX_POOLS) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "there are already "
                    + ConfigRules.MAX_POOLS
                    + " pools, the most allowed; delete one first")
            .asRuntimeException();
      }
      List<Pool> next = new ArrayList<>(current);
      next.add(created);
      ListenerSharing.check(next, name);
      return next;
    };
  }

  public static Mutation deletePool(String poolName) {
    String name = ConfigRules.poolName(poolName);
    return current -> {
      Pools.require(current, name);
      List<Pool> next = new ArrayList<>(current);
      next.removeIf(p -> p.getName().equals(name));
      return next;
    };
  }

  public static Mutation addBackend(AddBackendRequest request) {
    String name = ConfigRules.poolName(request.getPool());
    String address = ConfigRules.backendAddress(request.getAddress());
    int weight =
        request.hasWeight() ? ConfigRules.weight(request.getWeight()) : ConfigDefaults.WEIGHT;
    Backend backend =
        Backend.newBuilder()
            .setAddress(address)
            .setWeight(weight)
            .setState(ConfigDefaults.STATE)
            .build();
    return current -> {
      Pool pool = Pools.require(current, name);
      if (Pools.indexOfBackend(pool, address) >= 0) {
        throw alreadyExists("backend \"" + address + "\" already exists in pool \"" + name + "\"");
      }
      if (pool.getBackendsCount() >= ConfigRules.MAX_BACKENDS_PER_POOL) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "pool \""
                    + name
                    + "\" already has "
                    + ConfigRules.MAX_BACKENDS_PER_POOL
                    + " backends, the most allowed")
            .asRuntimeException();
      }
      Pool grown = pool.toBuilder().addBackends(backend).build();
      MaglevRules.check(grown, false);
      return Pools.replace(current, grown);
    };
  }

  /** Changes the fields {@code request.update_mask} names; see {@link PoolUpdate}. */
  public static Mutation updatePool(UpdatePoolRequest request) {
    return PoolUpdate.of(request);
  }

  public static Mutation removeBackend(String poolName, String backendAddress) {
    String name = ConfigRules.poolName(poolName);
    String address = ConfigRules.backendAddress(backendAddress);
    return current -> {
      Pool pool = Pools.require(current, name);
      int index = Pools.requireBackend(pool, address);
      return Pools.replace(current, pool.toBuilder().removeBackends(index).build());
    };
  }

  /**
   * A new weight also clears the backend's effective weight, which was derived from the old one:
   * proxies balance by the new weight at once, and adaptive weights, if on, recompute from it at
   * their next interval. Setting the weight the backend already has changes nothing.
   */
  public static Mutation setWeight(String poolName, String backendAddress, int weight) {
    int checked = ConfigRules.weight(weight);
    return editBackend(
        poolName,
        backendAddress,
        b ->
            b.getWeight() == checked
                ? b
                : b.toBuilder().setWeight(checked).clearEffectiveWeight().build());
  }

  /**
   * Drain or undrain; setting the state a backend already has changes nothing. Undraining clears
   * any drain deadline.
   */
  public static Mutation setState(String poolName, String backendAddress, BackendState state) {
    if (state == BackendState.ACTIVE) {
      return undrain(poolName, backendAddress);
    }
    if (state != BackendState.DRAINING) {
      throw new IllegalArgumentException("state must be ACTIVE or DRAINING, got " + state);
    }
    return drain(poolName, backendAddress, null);
  }

  /**
   * {@code DrainBackend}: marks the backend DRAINING. A {@code deadline} (already checked and
   * turned into a time by the caller) becomes its {@code drain_deadline}, replacing any earlier
   * one; without one, a deadline already set is kept, so draining twice changes nothing.
   */
  public static Mutation drain(String poolName, String backendAddress, Timestamp deadline) {
    return editBackend(
        poolName,
        backendAddress,
        b -> {
          Backend.Builder drained = b.toBuilder().setState(BackendState.DRAINING);
          if (deadline != null) {
            drained.setDrainDeadline(deadline);
          }
          return drained.build();
        });
  }

  /** {@code UndrainBackend}: ACTIVE again, without a drain deadline. */
  public static Mutation undrain(String poolName, String backendAddress) {
    return editBackend(
        poolName,
        backendAddress,
        b -> b.toBuilder().setState(BackendState.ACTIVE).clearDrainDeadline().build());
  }

  /**
   * {@code Rollback}: makes {@code pools}, the configuration of revision {@code version}, current
   * again, exactly. The rules may have changed since it was stored, so every pool is checked as a
   * create would check it; what fails is FAILED_PRECONDITION naming the revision. Fields stored
   * unset get the defaults a create gives them (see {@link ConfigDefaults}).
   */
  public static Mutation restore(long version, List<Pool> stored) {
    List<Pool> pools = ConfigDefaults.fill(stored);
    try {
      RestoreRules.check(pools);
    } catch (StatusRuntimeException e) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "revision "
                  + version
                  + " cannot be restored under the current rules: "
                  + e.getStatus().getDescription())
          .asRuntimeException();
    }
    List<Pool> restored = List.copyOf(pools);
    return current -> restored;
  }

  /**
   * {@code ImportConfig}: the pools become exactly {@code pools}. Each pool is checked as a restore
   * checks it (the error names the pool), then the whole set (unique names and ports, at most
   * {@link ConfigRules#MAX_POOLS}). Nothing is normalised, so an export imports unchanged, but
   * fields left unset get the defaults a create gives them: round robin, ACTIVE, weight 1.
   */
  public static Mutation replaceAll(List<Pool> requested) {
    List<Pool> pools = ConfigDefaults.fill(requested);
    for (int i = 0; i < pools.size(); i++) {
      Pool pool = pools.get(i);
      try {
        RestoreRules.check(List.of(pool));
      } catch (StatusRuntimeException e) {
        String label =
            pool.getName().isEmpty() ? "pools[" + i + "]" : "pool \"" + pool.getName() + "\"";
        throw e.getStatus()
            .withDescription(label + ": " + e.getStatus().getDescription())
            .asRuntimeException();
      }
    }
    RestoreRules.check(pools);
    List<Pool> imported = List.copyOf(pools);
    return current -> imported;
  }

  /**
   * {@code then}, only if {@code currentVersion} still reads {@code expected} when the registry
   * applies it; otherwise ABORTED naming both versions. {@link PoolRegistry} runs mutations under
   * its lock, and only there changes its current version, so the check and the change cannot be
   * split by another writer.
   */
  public static Mutation ifVersion(long expected, LongSupplier currentVersion, Mutation then) {
    return current -> {
      long actual = currentVersion.getAsLong();
      if (actual != expected) {
        throw Status.ABORTED
            .withDescription(
                "expected_version is "
                    + Long.toUnsignedString(expected)
                    + " but the current config version is "
                    + Long.toUnsignedString(actual)
                    + "; export again, or import without an expected version")
            .asRuntimeException();
      }
      return then.apply(current);
    };
  }

  private static Mutation editBackend(
      String poolName, String backendAddress, UnaryOperator<Backend> edit) {
    String name = ConfigRules.poolName(poolName);
    String address = ConfigRules.backendAddress(backendAddress);
    return current -> {
      Pool pool = Pools.require(current, name);
      int index = Pools.requireBackend(pool, address);
      Backend edited = edit.apply(pool.getBackends(index));
      return Pools.replace(current, pool.toBuilder().setBackends(index, edited).build());
    };
  }

  private static StatusRuntimeException alreadyExists(String description) {
    return Status.ALREADY_EXISTS.withDescription(description).asRuntimeException();
  }
}
