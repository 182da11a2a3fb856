package dev.weir.proxy.control;

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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The proxy as its control stream sees it: the config it is sent (validated first, so the proxy can
 * ACK or NACK it, then applied, so it can report ConfigApplied; the control plane then tells a
 * config this proxy refuses from one it could not put in force), the stats it reports, and the open
 * connections an operator lists or closes through the control plane.
 */
public interface ControlledProxy {

  /**
   * Checks the snapshot whole without changing anything.
   *
   * @return the config {@link #apply} puts in force
   * @throws InvalidConfigException naming the pool and field at fault
   */
  ProxyConfig validate(ConfigSnapshot snapshot) throws InvalidConfigException;

  /**
   * Puts {@code config}, validated from {@code snapshot}, in force pool by pool: a pool that cannot
   * be (say, its port is taken) keeps its previous config, or stays absent, and is retried by the
   * proxy itself.
   *
   * @return the pools not in force; empty when all are
   * @throws InvalidConfigException if nothing could be applied (the proxy is shutting down)
   */
  List<PoolApplyFailure> apply(ConfigSnapshot snapshot, ProxyConfig config)
      throws InvalidConfigException;

  /**
   * Calls {@code listener} whenever the failed pools of the version in force change without a new
   * config: a retried bind succeeded, or fails differently.
   */
  default void onPoolStatusChange(Consumer<PoolApplyStatus> listener) {}

  /** The config version in force; 0 before the first. */
  long version();

  /** The fleet id of the config in force; empty before the first, or if it has none. */
  default String fleetId() {
    return "";
  }

  /** Per-backend counters for the next stats report. */
  List<BackendStats> backendStats();

  /** Per-listener counters for the next stats report. */
  List<ListenerStats> listenerStats();

  /** The open client connections the command asks for; request_id is left to the caller. */
  CompletableFuture<ConnectionList> listConnections(ListConnectionsCommand command);

  /** Closes the connection the command names, if open; request_id is left to the caller. */
  CompletableFuture<ConnectionCloseResult> closeConnection(CloseConnectionCommand command);
}
