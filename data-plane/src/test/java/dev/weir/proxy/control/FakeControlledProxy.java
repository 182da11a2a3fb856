package dev.weir.proxy.control;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.CloseConnectionCommand;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Accepts and applies whatever it is sent unless told to refuse it (validation fails) or to fail
 * applying it, and remembers the version.
 */
final class FakeControlledProxy implements ControlledProxy {

  final List<ConfigSnapshot> applied = new CopyOnWriteArrayList<>();

  /** Refuse at validation with this reason; null to accept. */
  volatile String rejectWith;

  /** Validate, then throw this from apply; null to apply. */
  volatile Exception failApplyWith;

  /** Called inside apply, before it takes effect: lets a test watch what was sent meanwhile. */
  volatile Runnable duringApply = () -> {};

  volatile long version;

  /** The pools apply reports as not in force. */
  volatile List<PoolApplyFailure> failPools = List.of();

  /** What the client registered for reports of the proxy's own retries. */
  volatile Consumer<PoolApplyStatus> poolStatusListener;

  volatile String fleetId = "";
  volatile List<BackendStats> stats = List.of();

  /** The connections it reports; closing one removes it. */
  final List<ConnectionInfo> connections = new CopyOnWriteArrayList<>();

  final List<ListConnectionsCommand> listCommands = new CopyOnWriteArrayList<>();

  FakeControlledProxy(long version) {
    this.version = version;
  }

  @Override
  public ProxyConfig validate(ConfigSnapshot snapshot) throws InvalidConfigException {
    String reason = rejectWith;
    if (reason != null) {
      throw new InvalidConfigException(reason);
    }
    return new ProxyConfig(snapshot.getVersion(), List.of());
  }

  @Override
  public List<PoolApplyFailure> apply(ConfigSnapshot snapshot, ProxyConfig config)
      throws InvalidConfigException {
    duringApply.run();
    Exception failure = failApplyWith;
    if (failure instanceof InvalidConfigException invalid) {
      throw invalid;
    }
    if (failure instanceof RuntimeException unexpected) {
      throw unexpected;
    }
    applied.add(snapshot);
    version = config.version();
    fleetId = snapshot.getFleetId();
    return failPools;
  }

  @Override
  public void onPoolStatusChange(Consumer<PoolApplyStatus> listener) {
    poolStatusListener = listener;
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public String fleetId() {
    return fleetId;
  }

  @Override
  public List<BackendStats> backendStats() {
    return stats;
  }

  @Override
  public List<ListenerStats> listenerStats() {
    return List.of();
  }

  @Override
  public CompletableFuture<ConnectionList> listConnections(ListConnectionsCommand command) {
    listCommands.add(command);
    return CompletableFuture.completedFuture(
        ConnectionList.newBuilder().addAllConnections(connections).build());
  }

  @Override
  public CompletableFuture<ConnectionCloseResult> closeConnection(CloseConnectionCommand command) {
    for (ConnectionInfo c : connections) {
      if (c.getSequence() == command.getSequence() && connections.remove(c)) {
        return CompletableFuture.completedFuture(
            ConnectionCloseResult.newBuilder().setFound(true).setConnection(c).build());
      }
    }
    return CompletableFuture.completedFuture(ConnectionCloseResult.getDefaultInstance());
  }
}
