package dev.weir.proxy.control;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ListenerStats;
import dev.weir.proxy.config.InvalidConfigException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Applies whatever it is sent unless told what to reject, and remembers the version. */
final class FakeConfigApplier implements ConfigApplier {

  final List<ConfigSnapshot> applied = new CopyOnWriteArrayList<>();
  volatile String rejectWith;
  volatile RuntimeException failWith;
  volatile long version;
  volatile List<BackendStats> stats = List.of();

  FakeConfigApplier(long version) {
    this.version = version;
  }

  @Override
  public void apply(ConfigSnapshot snapshot) throws InvalidConfigException {
    RuntimeException failure = failWith;
    if (failure != null) {
      throw failure;
    }
    String reason = rejectWith;
    if (reason != null) {
      throw new InvalidConfigException(reason);
    }
    applied.add(snapshot);
    version = snapshot.getVersion();
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public List<BackendStats> backendStats() {
    return stats;
  }

  @Override
  public List<ListenerStats> listenerStats() {
    return List.of();
  }
}
