package dev.weir.api.rules;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The values weirctl's flags default to, for fields the API leaves unset: round robin, ACTIVE,
 * weight 1. Proto3 cannot tell "unset" from zero, and zero is no value a proxy can balance by, so
 * the control plane fills these in before it checks and commits a configuration.
 */
public final class ConfigDefaults {
  public static final Algorithm ALGORITHM = Algorithm.ROUND_ROBIN;
  public static final BackendState STATE = BackendState.ACTIVE;
  public static final int WEIGHT = 1;

  private ConfigDefaults() {}

  /** {@code pools} with the defaults filled in; the same list when none was missing. */
  public static List<Pool> fill(List<Pool> pools) {
    List<Pool> filled = null;
    for (int i = 0; i < pools.size(); i++) {
      Pool pool = fill(pools.get(i));
      if (pool != pools.get(i)) {
        if (filled == null) {
          filled = new ArrayList<>(pools);
        }
        filled.set(i, pool);
      }
    }
    return filled == null ? pools : filled;
  }

  /** {@code pool} with the defaults filled in; the same instance when none was missing. */
  public static Pool fill(Pool pool) {
    Pool.Builder filled = null;
    if (pool.getAlgorithmValue() == Algorithm.ALGORITHM_UNSPECIFIED_VALUE) {
      filled = pool.toBuilder().setAlgorithm(ALGORITHM);
    }
    for (int i = 0; i < pool.getBackendsCount(); i++) {
      Backend backend = pool.getBackends(i);
      boolean noState = backend.getStateValue() == BackendState.BACKEND_STATE_UNSPECIFIED_VALUE;
      if (noState || backend.getWeight() == 0) {
        filled = filled == null ? pool.toBuilder() : filled;
        Backend.Builder b = backend.toBuilder();
        if (noState) {
          b.setState(STATE);
        }
        if (backend.getWeight() == 0) {
          b.setWeight(WEIGHT);
        }
        filled.setBackends(i, b);
      }
    }
    return filled == null ? pool : filled.build();
  }
}
