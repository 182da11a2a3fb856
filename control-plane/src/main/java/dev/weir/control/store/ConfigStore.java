package dev.weir.control.store;

import dev.weir.api.v1.ConfigSnapshot;
import java.io.Closeable;
import java.io.IOException;

/**
 * Where committed configuration snapshots live.
 *
 * <p>Commits are compare-and-swap on the version, so a store shared by several control planes
 * (etcd, say) can refuse a writer that did not see the latest commit.
 */
public interface ConfigStore extends Closeable {

  /**
   * Returns the last committed snapshot, or an empty one with version 0 if nothing was ever
   * committed. Never returns an empty snapshot in place of one it could not read.
   *
   * @throws StoreCorruptException if stored data exists but cannot be trusted
   */
  ConfigSnapshot load() throws IOException;

  /**
   * Stores {@code next} in place of the snapshot with version {@code expectedVersion}. Durable
   * when it returns. The nonce is not stored.
   *
   * @throws VersionConflictException if the stored version is not {@code expectedVersion}; nothing
   *     is written
   * @throws IllegalArgumentException if {@code next} is not newer than {@code expectedVersion}
   */
  void commit(long expectedVersion, ConfigSnapshot next)
      throws IOException, VersionConflictException;
}
