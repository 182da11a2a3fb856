package dev.weir.control.pool;

import dev.weir.api.v1.Pool;
import java.util.List;

/** One change to the pools, applied by {@link PoolRegistry} under its lock. */
@FunctionalInterface
public interface Mutation {

  /**
   * Returns the pools after the change, in any order. Returning pools equal to {@code current}
   * means there is nothing to change, and no new version is made.
   *
   * @throws io.grpc.StatusRuntimeException if the change is not allowed; nothing changes
   */
  List<Pool> apply(List<Pool> current);
}
