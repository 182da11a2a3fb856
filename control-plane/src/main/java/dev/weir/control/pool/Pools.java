package dev.weir.control.pool;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.Pool;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Lookups in a list of pools, with NOT_FOUND errors that name what is missing. */
public final class Pools {
  private Pools() {}

  public static Optional<Pool> find(List<Pool> pools, String name) {
    return pools.stream().filter(p -> p.getName().equals(name)).findFirst();
  }

  public static Pool require(List<Pool> pools, String name) {
    return find(pools, name)
        .orElseThrow(
            () ->
                Status.NOT_FOUND
                    .withDescription("pool \"" + name + "\" not found")
                    .asRuntimeException());
  }

  /** The index of the backend with the (normalised) address, or -1. */
  static int indexOfBackend(Pool pool, String address) {
    List<Backend> backends = pool.getBackendsList();
    for (int i = 0; i < backends.size(); i++) {
      if (backends.get(i).getAddress().equals(address)) {
        return i;
      }
    }
    return -1;
  }

  static int requireBackend(Pool pool, String address) {
    int index = indexOfBackend(pool, address);
    if (index < 0) {
      throw Status.NOT_FOUND
          .withDescription(
              "backend \"" + address + "\" not found in pool \"" + pool.getName() + "\"")
          .asRuntimeException();
    }
    return index;
  }

  /** {@code pools} with the pool of the same name replaced by {@code pool}. */
  static List<Pool> replace(List<Pool> pools, Pool pool) {
    List<Pool> next = new ArrayList<>(pools.size());
    for (Pool p : pools) {
      next.add(p.getName().equals(pool.getName()) ? pool : p);
    }
    return next;
  }
}
