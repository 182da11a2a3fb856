package dev.weir.proxy;

import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.CloseConnectionCommand;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import dev.weir.proxy.config.SnapshotValidator;
import dev.weir.proxy.control.ConfigApplier;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.listen.ListenerSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the control stream drives: validates each snapshot, applies it to the listeners, and saves
 * it so a restart can serve it before the control plane is back.
 */
final class DataPlane implements ConfigApplier {

  private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

  private final ListenerSet listeners;
  private final LastConfigFile lastConfig;
  private final Executor saver;
  // The fleet id of the config in force; written by restore and apply, read by the control
  // stream's thread.
  private volatile String fleetId = "";

  /**
   * @param saver runs the saves, in order; off the control stream's thread so the fsync does not
   *     delay ConfigApplied (and with it the fleet's push latency)
   */
  DataPlane(ListenerSet listeners, LastConfigFile lastConfig, Executor saver) {
    this.listeners = listeners;
    this.lastConfig = lastConfig;
    this.saver = saver;
  }

  /** Serves the saved config, if there is one this proxy can apply. */
  void restore() {
    lastConfig.load().ifPresent(snapshot -> {
      try {
        List<PoolApplyFailure> failed = listeners.apply(SnapshotValidator.validate(snapshot));
        fleetId = snapshot.getFleetId();
        log.info("serving saved config version {} from {} until the control plane answers{}",
            snapshot.getVersion(), lastConfig.path(),
            failed.isEmpty() ? "" : " (" + failed.size() + " of its pools could not listen)");
      } catch (InvalidConfigException e) {
        log.error("ignoring saved config version {} from {}: {}", snapshot.getVersion(),
            lastConfig.path(), e.getMessage());
      }
    });
  }

  @Override
  public ProxyConfig validate(ConfigSnapshot snapshot) throws InvalidConfigException {
    return SnapshotValidator.validate(snapshot);
  }

  @Override
  public List<PoolApplyFailure> apply(ConfigSnapshot snapshot, ProxyConfig config)
      throws InvalidConfigException {
    List<PoolApplyFailure> failed = listeners.apply(config);
    fleetId = snapshot.getFleetId();
    saver.execute(() -> lastConfig.save(snapshot));
    return failed;
  }

  @Override
  public void onPoolStatusChange(Consumer<PoolApplyStatus> listener) {
    listeners.onRetryOutcome(listener);
  }

  @Override
  public long version() {
    return listeners.version();
  }

  @Override
  public String fleetId() {
    return fleetId;
  }

  @Override
  public List<BackendStats> backendStats() {
    return listeners.backendStats();
  }

  @Override
  public List<ListenerStats> listenerStats() {
    return listeners.listenerStats();
  }

  @Override
  public CompletableFuture<ConnectionList> listConnections(ListConnectionsCommand command) {
    return listeners.listConnections(command.getPool(), command.getBackend(), command.getLimit());
  }

  @Override
  public CompletableFuture<ConnectionCloseResult> closeConnection(CloseConnectionCommand command) {
    return listeners.closeConnection(command.getSequence());
  }
}
