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
import dev.weir.proxy.control.ControlledProxy;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.listen.Pools;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config in force and its copy on disk: validates each snapshot, applies it to the pools, saves
 * it so that a restart can serve it before the control plane is back, and restores it at start.
 * Stats and connection commands pass straight through to the pools.
 */
final class AppliedConfig implements ControlledProxy {

  private static final Logger log = LoggerFactory.getLogger(AppliedConfig.class);

  private final Pools pools;
  private final LastConfigFile lastConfig;
  private final Executor saver;
  // The fleet id of the config in force; written by restore and apply, read by the control
  // stream's thread.
  private volatile String fleetId = "";

  /**
   * @param saver runs the saves, in order; off the control stream's thread so the fsync does not
   *     delay ConfigApplied (and with it the fleet's push latency)
   */
  AppliedConfig(Pools pools, LastConfigFile lastConfig, Executor saver) {
    this.pools = pools;
    this.lastConfig = lastConfig;
    this.saver = saver;
  }

  /** Serves the saved config, if there is one this proxy can apply. */
  void restore() {
    lastConfig
        .load()
        .ifPresent(
            snapshot -> {
              try {
                List<PoolApplyFailure> failed = pools.apply(SnapshotValidator.validate(snapshot));
                fleetId = snapshot.getFleetId();
                log.info(
                    "serving saved config version {} from {} until the control plane answers{}",
                    snapshot.getVersion(),
                    lastConfig.path(),
                    failed.isEmpty()
                        ? ""
                        : " (" + failed.size() + " of its pools could not listen)");
              } catch (InvalidConfigException e) {
                log.error(
                    "ignoring saved config version {} from {}: {}",
                    snapshot.getVersion(),
                    lastConfig.path(),
                    e.getMessage());
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
    List<PoolApplyFailure> failed = pools.apply(config);
    fleetId = snapshot.getFleetId();
    saver.execute(() -> lastConfig.save(snapshot));
    return failed;
  }

  @Override
  public void onPoolStatusChange(Consumer<PoolApplyStatus> listener) {
    pools.onRetryOutcome(listener);
  }

  @Override
  public long version() {
    return pools.version();
  }

  @Override
  public String fleetId() {
    return fleetId;
  }

  @Override
  public List<BackendStats> backendStats() {
    return pools.backendStats();
  }

  @Override
  public List<ListenerStats> listenerStats() {
    return pools.listenerStats();
  }

  @Override
  public CompletableFuture<ConnectionList> listConnections(ListConnectionsCommand command) {
    return pools.listConnections(command.getPool(), command.getBackend(), command.getLimit());
  }

  @Override
  public CompletableFuture<ConnectionCloseResult> closeConnection(CloseConnectionCommand command) {
    return pools.closeConnection(command.getSequence());
  }
}
