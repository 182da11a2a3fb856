package dev.weir.control.testing;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.VersionConflictException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A store in memory that can be told to fail, for tests of what happens then. */
public final class InMemoryConfigStore implements ConfigStore {
  private ConfigSnapshot stored = ConfigSnapshot.getDefaultInstance();
  private final List<ConfigSnapshot> commits = new ArrayList<>();
  private IOException nextFailure;

  public synchronized void failNextCommit(IOException failure) {
    nextFailure = failure;
  }

  /** Pretends another writer committed {@code snapshot}. */
  public synchronized void overwrite(ConfigSnapshot snapshot) {
    stored = snapshot;
  }

  public synchronized List<ConfigSnapshot> commits() {
    return List.copyOf(commits);
  }

  @Override
  public synchronized ConfigSnapshot load() {
    return stored;
  }

  @Override
  public synchronized void commit(long expectedVersion, ConfigSnapshot next)
      throws IOException, VersionConflictException {
    if (nextFailure != null) {
      IOException failure = nextFailure;
      nextFailure = null;
      throw failure;
    }
    if (stored.getVersion() != expectedVersion) {
      throw new VersionConflictException(expectedVersion, stored.getVersion());
    }
    stored = next.toBuilder().clearNonce().build();
    commits.add(stored);
  }

  @Override
  public void close() {}
}
