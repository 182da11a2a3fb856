package dev.weir.control.pool;

import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Pool;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The Maglev lookup table needs a prime size of at least 100 entries per backend, or the shares it
 * gives backends drift too far from their weights. The rule is checked against the pool as a whole,
 * since adding a backend can break it as much as changing the size can.
 */
public final class MaglevRules {
  public static final int DEFAULT_TABLE_SIZE = 65_537;
  public static final int MAX_TABLE_SIZE = 1_000_003;
  static final int ENTRIES_PER_BACKEND = 100;

  private MaglevRules() {}

  /**
   * Checks {@code pool}'s table size against its backends. A size that is set must fit whatever the
   * algorithm, so switching to MAGLEV later cannot fail on it; the default size only matters for
   * MAGLEV pools.
   *
   * @param sizeInRequest whether the caller supplied the size, making a bad one INVALID_ARGUMENT;
   *     otherwise the pool's other changes (more backends) are at fault: FAILED_PRECONDITION
   */
  public static void check(Pool pool, boolean sizeInRequest) {
    long size = Integer.toUnsignedLong(pool.getSettings().getMaglevTableSize());
    int backends = pool.getBackendsCount();
    long needed = (long) ENTRIES_PER_BACKEND * Math.max(1, backends);
    if (size != 0) {
      boolean wellFormed = SnapshotRules.isPrime(size) && size <= MAX_TABLE_SIZE;
      if (!wellFormed || (sizeInRequest && size < needed)) {
        throw ConfigRules.invalid(
            "settings.maglev_table_size must be a prime >= "
                + ENTRIES_PER_BACKEND
                + " x backends ("
                + needed
                + ") and <= "
                + MAX_TABLE_SIZE
                + ", got "
                + size);
      }
      if (size < needed) {
        throw failedPrecondition(
            "pool \""
                + pool.getName()
                + "\" would have "
                + backends
                + " backends, too many for its settings.maglev_table_size "
                + size
                + " (a prime >= "
                + ENTRIES_PER_BACKEND
                + " x backends is needed, so >= "
                + needed
                + "): raise "
                + "settings.maglev_table_size, e.g. to "
                + nextPrime(needed)
                + (needed <= DEFAULT_TABLE_SIZE
                    ? ", or unset it to use the default " + DEFAULT_TABLE_SIZE
                    : ""));
      }
      return;
    }
    if (pool.getAlgorithm() == Algorithm.MAGLEV && needed > DEFAULT_TABLE_SIZE) {
      throw failedPrecondition(
          "pool \""
              + pool.getName()
              + "\" would have "
              + backends
              + " backends, too many for the default settings.maglev_table_size "
              + DEFAULT_TABLE_SIZE
              + " (at most "
              + DEFAULT_TABLE_SIZE / ENTRIES_PER_BACKEND
              + " backends): set settings.maglev_table_size to a prime >= "
              + needed
              + " and <= "
              + MAX_TABLE_SIZE
              + ", e.g. "
              + nextPrime(needed));
    }
  }

  /** The smallest prime >= n. */
  static long nextPrime(long n) {
    long candidate = Math.max(2, n);
    while (!SnapshotRules.isPrime(candidate)) {
      candidate++;
    }
    return candidate;
  }

  private static StatusRuntimeException failedPrecondition(String description) {
    return Status.FAILED_PRECONDITION.withDescription(description).asRuntimeException();
  }
}
