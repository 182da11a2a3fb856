package dev.weir.control.ha;

import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.FileConfigStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The data dir of one control plane: nobody else commits, so there is nothing to follow, and this
 * control plane is always the leader. The store compacts its own history as it commits.
 */
final class EmbeddedStoreBackend implements StoreBackend {
  private final FileConfigStore store;

  private EmbeddedStoreBackend(FileConfigStore store) {
    this.store = store;
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
