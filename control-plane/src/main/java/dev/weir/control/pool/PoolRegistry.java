package dev.weir.control.pool;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.VersionConflictException;
import io.grpc.Status;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current configuration, and the one place it changes.
 *
 * <p>Readers get an immutable {@link ConfigSnapshot} without locking. Writers take turns: each
 * {@link Mutation} is checked against the current pools, stored as version + 1, and only then
 * published and announced to listeners. A mutation that fails validation or cannot be stored
 * leaves everything as it was.
 */
public final class PoolRegistry {
  private static final Logger log = LoggerFactory.getLogger(PoolRegistry.class);
  private static final Comparator<Pool> BY_NAME = Comparator.comparing(Pool::getName);

  private final ConfigStore store;
  private final List<ConfigListener> listeners = new CopyOnWriteArrayList<>();
  private final Object lock = new Object();
  // Written only while holding lock, so a mutation always builds on the latest version.
  private volatile ConfigSnapshot current;

  public PoolRegistry(ConfigStore store, ConfigSnapshot initial) {
    this.store = store;
    this.current = initial.toBuilder().clearNonce().build();
  }

  /** A registry starting from the store's last committed snapshot. */
  public static PoolRegistry load(ConfigStore store) throws IOException {
    return new PoolRegistry(store, store.load());
  }

  /** The newest committed configuration; its nonce is empty. */
  public ConfigSnapshot current() {
    return current;
  }

  public void addListener(ConfigListener listener) {
    listeners.add(listener);
  }

  /**
   * Applies {@code mutation} and returns the resulting snapshot: a new version, or the current
   * one unchanged if the mutation changed nothing.
   *
   * @throws io.grpc.StatusRuntimeException the mutation's own error; ABORTED if another writer
   *     committed first; UNAVAILABLE if the change could not be stored
   */
  public ConfigSnapshot apply(Mutation mutation) {
    ConfigSnapshot next;
    synchronized (lock) {
      ConfigSnapshot before = current;
      List<Pool> pools = mutation.apply(before.getPoolsList()).stream()
          .sorted(BY_NAME)
          .collect(Collectors.toList());
      if (pools.equals(before.getPoolsList())) {
        return before;
      }
      next = ConfigSnapshot.newBuilder()
          .setVersion(before.getVersion() + 1)
          .addAllPools(pools)
          .build();
      try {
        store.commit(before.getVersion(), next);
      } catch (VersionConflictException e) {
        throw Status.ABORTED
            .withDescription("the configuration was changed elsewhere (" + e.getMessage()
                + "); retry")
            .withCause(e)
            .asRuntimeException();
      } catch (IOException e) {
        log.error("could not store config version {}", next.getVersion(), e);
        throw Status.UNAVAILABLE
            .withDescription("could not store the configuration: " + e.getMessage())
            .withCause(e)
            .asRuntimeException();
      }
      current = next;
    }
    log.info("config version {} committed", next.getVersion());
    for (ConfigListener listener : listeners) {
      try {
        listener.configChanged(next);
      } catch (RuntimeException e) {
        log.error("config listener {} failed on version {}", listener, next.getVersion(), e);
      }
    }
    return next;
  }
}
