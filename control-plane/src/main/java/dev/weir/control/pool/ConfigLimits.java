package dev.weir.control.pool;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import io.grpc.Status;
import java.util.List;

/**
 * Limits on the whole configuration, checked on every change before it is stored.
 *
 * <p>The per-pool limits alone would allow 1,000 pools of 1,000 backends: a snapshot of some
 * 30 MB that no proxy would accept as one gRPC message (4 MiB by default), and stats reports to
 * match. These two keep every message the configuration gives rise to within bounds: the snapshot
 * under the proxies' 4 MiB, and a stats report (about 450 bytes per backend at most) under the
 * control plane's {@code MAX_INBOUND_MESSAGE_BYTES}.
 */
public final class ConfigLimits {
  /** Backends in all pools together. */
  public static final int MAX_BACKENDS_TOTAL = 10_000;
  /** The serialized configuration, leaving room under 4 MiB for the message around it. */
  public static final int MAX_CONFIG_BYTES = 3 * 1024 * 1024;
  /**
   * Maglev table entries of all pools together (64 MiB of ints on every proxy): 255 pools at the
   * default size. Without it, 1,000 maglev pools at the largest size would ask each proxy for 4 GB.
   */
  public static final long MAX_MAGLEV_ENTRIES_TOTAL = 16L << 20;

  private ConfigLimits() {}

  /**
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION saying which limit {@code pools}
   *     would break; the change is refused as a whole
   */
  public static void check(List<Pool> pools) {
    long backends = 0;
    long maglevEntries = 0;
    for (Pool pool : pools) {
      backends += pool.getBackendsCount();
      if (pool.getAlgorithm() == Algorithm.MAGLEV) {
        int size = pool.getSettings().getMaglevTableSize();
        maglevEntries += size == 0 ? MaglevRules.DEFAULT_TABLE_SIZE : size;
      }
    }
    if (backends > MAX_BACKENDS_TOTAL) {
      throw Status.FAILED_PRECONDITION
          .withDescription("the configuration would have " + backends + " backends in all pools "
              + "together, more than the " + MAX_BACKENDS_TOTAL + " allowed; remove some first")
          .asRuntimeException();
    }
    if (maglevEntries > MAX_MAGLEV_ENTRIES_TOTAL) {
      throw Status.FAILED_PRECONDITION
          .withDescription("the maglev tables of all pools would have " + maglevEntries
              + " entries, more than the " + MAX_MAGLEV_ENTRIES_TOTAL + " allowed; use smaller "
              + "settings.maglev_table_size or fewer maglev pools")
          .asRuntimeException();
    }
    int bytes = ConfigSnapshot.newBuilder().addAllPools(pools).build().getSerializedSize();
    if (bytes > MAX_CONFIG_BYTES) {
      throw Status.FAILED_PRECONDITION
          .withDescription("the configuration would be " + bytes + " bytes, more than the "
              + MAX_CONFIG_BYTES + " allowed; remove pools or backends first")
          .asRuntimeException();
    }
  }
}
