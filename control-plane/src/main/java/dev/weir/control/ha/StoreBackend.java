package dev.weir.control.ha;

import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.ConfigStore;
import java.io.IOException;

/**
 * An opened store and what comes with it: whether this control plane leads, and (for a shared
 * store) the follower that brings other replicas' commits here. Opened by a {@link StoreSpec}.
 */
public interface StoreBackend extends AutoCloseable {

  ConfigStore store();

  /** Where the configuration lives, for log lines. */
  String location();

  Leadership leadership();

  /** Starts following commits made elsewhere, and the leader's own duties; after loading. */
  void start(PoolRegistry pools) throws IOException;

  /** How replicas sharing this store find each other; none for a store of one control plane. */
  default Membership membership() {
    return Membership.NONE;
  }

  /** Stops following and campaigning, and releases the store. Idempotent. */
  @Override
  void close() throws IOException;
}
