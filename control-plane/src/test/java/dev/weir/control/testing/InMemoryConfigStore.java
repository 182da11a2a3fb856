package dev.weir.control.testing;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import dev.weir.control.store.ConfigStore;
import dev.weir.control.store.VersionConflictException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A store in memory that can be told to fail, for tests of what happens then. */
public final class InMemoryConfigStore implements ConfigStore {
  private ConfigSnapshot stored = ConfigSnapshot.getDefaultInstance();
  private final List<ConfigSnapshot> commits = new ArrayList<>();
  private final List<Revision> revisions = new ArrayList<>();
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
  public synchronized void commit(long expectedVersion, ConfigSnapshot next, Revision revision)
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
    revisions.add(revision.toBuilder().setConfig(stored).build());
  }

  @Override
  public synchronized List<Revision> revisions(long beforeVersion, int limit) {
    List<Revision> newestFirst = new ArrayList<>();
    for (int i = revisions.size() - 1; i >= 0 && newestFirst.size() < limit; i--) {
      Revision revision = revisions.get(i);
      if (beforeVersion == 0 || revision.getVersion() < beforeVersion) {
        newestFirst.add(revision.toBuilder().clearConfig().build());
      }
    }
    return newestFirst;
  }

  @Override
  public synchronized Optional<Revision> revision(long version) {
    return revisions.stream().filter(r -> r.getVersion() == version).findFirst();
  }

  @Override
  public void close() {}
}
