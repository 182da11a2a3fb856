package dev.weir.control;

import dev.weir.control.ha.Leadership;
import dev.weir.control.ha.StoreBackend;
import dev.weir.control.ha.StoreSpec;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.FileConfigStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data dir of one control plane, the default store: nobody else commits, so there is nothing to
 * follow, and this control plane is always the leader. The store compacts its own history as it
 * commits.
 *
 * <p>It lives here rather than in {@code ha}, which is about replicas sharing etcd, or in {@code
 * store}, which {@link StoreBackend} (naming the pool registry and leadership) sits above.
 */
public final class EmbeddedStoreBackend implements StoreBackend {
  private final FileConfigStore store;

  private EmbeddedStoreBackend(FileConfigStore store) {
    this.store = store;
  }

  /** The data dir, {@code --store embedded}: nothing to install, one control plane. */
  public static StoreSpec spec() {
    return EmbeddedStoreBackend::open;
  }

  static StoreBackend open(Path dataDir) throws IOException {
    return new EmbeddedStoreBackend(FileConfigStore.open(dataDir));
  }

  @Override
  public ConfigStore store() {
    return store;
  }

  @Override
  public String location() {
    return store.stateFile().toString();
  }

  @Override
  public Leadership leadership() {
    return Leadership.ALWAYS;
  }

  @Override
  public void start(PoolRegistry pools) {}

  @Override
  public void close() throws IOException {
    store.close();
  }
}
