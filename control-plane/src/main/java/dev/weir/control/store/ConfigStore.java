package dev.weir.control.store;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Where committed configuration snapshots live, with the history of revisions that made them.
 *
 * <p>Commits are compare-and-swap on the version, so a store shared by several control planes
 * (etcd, say) can refuse a writer that did not see the latest commit. There, a commit would be one
 * transaction that checks the version key and puts the config and the revision record; here it is
 * {@link FileConfigStore}.
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
   * Stores {@code next} in place of the snapshot with version {@code expectedVersion}, and {@code
   * revision} as the history record of the change, together: after a crash both are there or
   * neither is. Durable when it returns. The nonce is not stored.
   *
   * @param revision who changed what and when; its version must be {@code next}'s, and its config
   *     is ignored (the store records {@code next})
   * @throws VersionConflictException if the stored version is not {@code expectedVersion}; nothing
   *     is written
   * @throws IllegalArgumentException if {@code next} is not newer than {@code expectedVersion}, or
   *     {@code revision} is for another version
   */
  void commit(long expectedVersion, ConfigSnapshot next, Revision revision)
      throws IOException, VersionConflictException;

  /**
   * Up to {@code limit} revisions older than {@code beforeVersion} (0: from the newest), newest
   * first, without their configs. A store keeps a bounded history, so the oldest may be gone.
   */
  List<Revision> revisions(long beforeVersion, int limit) throws IOException;

  /** The revision that made {@code version}, with its config; empty if unknown or compacted. */
  Optional<Revision> revision(long version) throws IOException;
}
