package dev.weir.control.pool;

import com.google.protobuf.CodedOutputStream;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import io.grpc.Status;
import java.util.List;

/**
 * Limits on the whole configuration, checked on every change before it is stored.
 *
 * <p>The per-pool limits alone would allow 1,000 pools of 1,000 backends: a snapshot of some 30 MB
 * that no proxy would accept as one gRPC message (4 MiB by default), and stats reports to match.
 * These two keep every message the configuration gives rise to within bounds: the snapshot under
 * the proxies' 4 MiB, and a stats report (about 450 bytes per backend at most) under the control
 * plane's {@code MAX_INBOUND_MESSAGE_BYTES}.
 */
public final class ConfigLimits {
  /** Backends in all pools together. */
  public static final int MAX_BACKENDS_TOTAL = SnapshotRules.MAX_BACKENDS_TOTAL;

  /** The serialized configuration, leaving room under 4 MiB for the message around it. */
  public static final int MAX_CONFIG_BYTES = 3 * 1024 * 1024;

  /**
   * Maglev table entries of all pools together (64 MiB of ints on every proxy): 255 pools at the
   * default size. Without it, 1,000 maglev pools at the largest size would ask each proxy for 4 GB.
   */
  public static final long MAX_MAGLEV_ENTRIES_TOTAL = SnapshotRules.MAX_MAGLEV_ENTRIES_TOTAL;

  private ConfigLimits() {}

  /**
   * Checks a whole configuration against every limit.
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION saying which limit {@code pools}
   *     breaks
   */
  public static void check(List<Pool> pools) {
    checkChange(List.of(), pools);
  }

  /**
   * Checks a change: {@code next} may not break a limit that {@code before} kept, nor move further
   * past one that {@code before} already broke (a configuration stored before the limit existed can
   * still shrink, one step at a time).
   *
   * @throws io.grpc.StatusRuntimeException FAILED_PRECONDITION saying which limit the change would
   *     break; the change is refused as a whole
   */
  public static void checkChange(List<Pool> before, List<Pool> next) {
    long backends = backends(next);
    if (backends > MAX_BACKENDS_TOTAL && backends > backends(before)) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "the configuration would have "
                  + backends
                  + " backends in all pools "
                  + "together, more than the "
                  + MAX_BACKENDS_TOTAL
                  + " allowed; remove some first")
          .asRuntimeException();
    }
    long maglevEntries = maglevEntries(next);
    if (maglevEntries > MAX_MAGLEV_ENTRIES_TOTAL && maglevEntries > maglevEntries(before)) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "the maglev tables of all pools would have "
                  + maglevEntries
                  + " entries, more than the "
                  + MAX_MAGLEV_ENTRIES_TOTAL
                  + " allowed; use smaller "
                  + "settings.maglev_table_size or fewer maglev pools")
          .asRuntimeException();
    }
    long bytes = bytes(next);
    if (bytes > MAX_CONFIG_BYTES && bytes > bytes(before)) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "the configuration would be "
                  + bytes
                  + " bytes, more than the "
                  + MAX_CONFIG_BYTES
                  + " allowed; remove pools or backends first")
          .asRuntimeException();
    }
  }

  private static long backends(List<Pool> pools) {
    long backends = 0;
    for (Pool pool : pools) {
      backends += pool.getBackendsCount();
    }
    return backends;
  }

  private static long maglevEntries(List<Pool> pools) {
    long entries = 0;
    for (Pool pool : pools) {
      if (pool.getAlgorithm() == Algorithm.MAGLEV) {
        int size = pool.getSettings().getMaglevTableSize();
        entries += size == 0 ? MaglevRules.DEFAULT_TABLE_SIZE : size;
      }
    }
    return entries;
  }

  // Messages cache their sizes, so this is a walk over the pools, not a serialization.
  private static long bytes(List<Pool> pools) {
    long bytes = 0;
    for (Pool pool : pools) {
      bytes += CodedOutputStream.computeMessageSize(ConfigSnapshot.POOLS_FIELD_NUMBER, pool);
    }
    return bytes;
  }
}
