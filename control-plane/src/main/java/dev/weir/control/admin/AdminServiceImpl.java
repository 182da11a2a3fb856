package dev.weir.control.admin;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DiffRevisionsRequest;
import dev.weir.api.v1.DiffRevisionsResponse;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.GetRevisionRequest;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ListRevisionsResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.api.v1.WatchRequest;
import dev.weir.control.drain.DrainDeadline;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.history.ActorInterceptor;
import dev.weir.control.history.RevisionHistory;
import dev.weir.control.pool.ChangeIntent;
import dev.weir.control.pool.ChangeOutcome;
import dev.weir.control.pool.ConfigRules;
import dev.weir.control.pool.ImportGuards;
import dev.weir.control.pool.Mutation;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.pool.Pools;
import dev.weir.control.view.FleetView;
import dev.weir.control.watch.FleetEventBus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AdminService}. Changes go through the {@link PoolRegistry}, which makes each one a new
 * version; a change that alters nothing (draining a backend already draining, say) returns the
 * current version without making a new one. Every change answers with its diff; with {@code
 * options.dry_run} it is checked and diffed exactly as for real, and nothing changes.
 */
public final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);

  private final PoolRegistry pools;
  private final ProxyFleet fleet;
  private final FleetEventBus events;
  private final RevisionHistory revisions;
  private final FleetView view;
  private final Clock clock;

  /** Serve it behind an {@link ActorInterceptor}, which names the caller of each change. */
  public AdminServiceImpl(
      PoolRegistry pools,
      ProxyFleet fleet,
      FleetEventBus events,
      RevisionHistory revisions,
      FleetView view,
      Clock clock) {
    this.pools = pools;
    this.fleet = fleet;
    this.events = events;
    this.revisions = revisions;
    this.view = view;
    this.clock = clock;
  }

  @Override
  public void createPool(CreatePoolRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getName(),
                PoolMutations.createPool(request),
                "CreatePool",
                request.getOptions()));
  }

  @Override
  public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> response) {
    respond(
        response,
        () -> {
          ConfigSnapshot current = pools.current();
          return ListPoolsResponse.newBuilder()
              .addAllPools(current.getPoolsList())
              .setConfigVersion(current.getVersion())
              .build();
        });
  }

  @Override
  public void getPool(GetPoolRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () -> {
          String name = ConfigRules.poolName(request.getName());
          return poolResponse(pools.current(), name);
        });
  }

  @Override
  public void updatePool(UpdatePoolRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool().getName(),
                PoolMutations.updatePool(request),
                "UpdatePool",
                request.getOptions()));
  }

  @Override
  public void deletePool(DeletePoolRequest request, StreamObserver<DeletePoolResponse> response) {
    respond(
        response,
        () -> {
          ChangeOutcome outcome =
              pools.apply(
                  PoolMutations.deletePool(request.getName()),
                  intent("DeletePool", request.getOptions()));
          return DeletePoolResponse.newBuilder()
              .setConfigVersion(outcome.config().getVersion())
              .setDiff(outcome.diff())
              .setDryRun(outcome.dryRun())
              .build();
        });
  }

  @Override
  public void addBackend(AddBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool(),
                PoolMutations.addBackend(request),
                "AddBackend",
                request.getOptions()));
  }

  @Override
  public void removeBackend(RemoveBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool(),
                PoolMutations.removeBackend(request.getPool(), request.getAddress()),
                "RemoveBackend",
                request.getOptions()));
  }

  @Override
  public void setBackendWeight(
      SetBackendWeightRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool(),
                PoolMutations.setWeight(
                    request.getPool(), request.getAddress(), request.getWeight()),
                "SetBackendWeight",
                request.getOptions()));
  }

  @Override
  public void drainBackend(DrainBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool(),
                PoolMutations.drain(
                    request.getPool(), request.getAddress(), DrainDeadline.of(request, clock)),
                "DrainBackend",
                request.getOptions()));
  }

  @Override
  public void undrainBackend(UndrainBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(
        response,
        () ->
            change(
                request.getPool(),
                PoolMutations.undrain(request.getPool(), request.getAddress()),
                "UndrainBackend",
                request.getOptions()));
  }

  @Override
  public void listProxies(
      ListProxiesRequest request, StreamObserver<ListProxiesResponse> response) {
    respond(
        response,
        () ->
            ListProxiesResponse.newBuilder()
                .addAllProxies(fleet.proxies())
                .setConfigVersion(pools.current().getVersion())
                .setCoverage(fleet.coverage())
                .build());
  }

  @Override
  public void getPoolStatus(GetPoolStatusRequest request, StreamObserver<PoolStatus> response) {
    respond(
        response,
        () -> {
          String name = ConfigRules.poolName(request.getName());
          ConfigSnapshot current = pools.current();
          return PoolStatusAggregator.aggregate(
                  Pools.require(current.getPoolsList(), name),
                  current.getVersion(),
                  fleet.connectedReports(),
                  view)
              .toBuilder()
              .setCoverage(fleet.coverage())
              .build();
        });
  }

  @Override
  public void listConnections(
      ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
    CompletableFuture<ListConnectionsResponse> answer;
    try {
      ConnectionRequests.Filters filters =
          ConnectionRequests.filters(request, pools.current().getPoolsList());
      answer =
          fleet.listConnections(
              filters.pool(), filters.backend(), filters.proxy(), filters.limit());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    respondLater(response, answer);
  }

  @Override
  public void closeConnection(
      CloseConnectionRequest request, StreamObserver<CloseConnectionResponse> response) {
    ConnectionRequests.ConnectionId id;
    try {
      id = ConnectionRequests.id(request.getId());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    String actor = ActorInterceptor.currentActor();
    respondLater(
        response,
        fleet
            .closeConnection(id.proxyId(), id.sequence())
            .thenApply(
                closed -> {
                  log.info(
                      "connection {} closed by {} (pool {}, client {}, backend {})",
                      closed.getId(),
                      actor,
                      closed.getPool(),
                      closed.getClientAddress(),
                      closed.getBackendAddress().isEmpty()
                          ? "none yet"
                          : closed.getBackendAddress());
                  return CloseConnectionResponse.newBuilder().setConnection(closed).build();
                }));
  }

  @Override
  public void waitForApplied(
      WaitForAppliedRequest request, StreamObserver<WaitForAppliedResponse> response) {
    fleet.waitForApplied(request, response);
  }

  @Override
  public void watch(WatchRequest request, StreamObserver<FleetEvent> response) {
    events.watch(request, response);
  }

  @Override
  public void listRevisions(
      ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> response) {
    respond(response, () -> revisions.list(request));
  }

  @Override
  public void getRevision(GetRevisionRequest request, StreamObserver<Revision> response) {
    respond(response, () -> revisions.get(request));
  }

  @Override
  public void diffRevisions(
      DiffRevisionsRequest request, StreamObserver<DiffRevisionsResponse> response) {
    respond(response, () -> revisions.diff(request));
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> response) {
    respond(response, () -> revisions.rollback(request, ActorInterceptor.currentActor()));
  }

  @Override
  public void exportConfig(
      ExportConfigRequest request, StreamObserver<ExportConfigResponse> response) {
    respond(
        response,
        () -> {
          ConfigSnapshot current = pools.current();
          return ExportConfigResponse.newBuilder()
              .setConfigVersion(current.getVersion())
              .addAllPools(current.getPoolsList())
              .build();
        });
  }

  /**
   * One revision replacing every pool. Importing what is already current changes nothing, so a
   * second import of the same file makes no new version. Emptying the fleet needs {@code
   * allow_delete_all}, and pools read at {@code base_version} may not undo a change made since (see
   * {@link ImportGuards}).
   */
  @Override
  public void importConfig(
      ImportConfigRequest request, StreamObserver<ImportConfigResponse> response) {
    respond(
        response,
        () -> {
          Mutation mutation =
              ImportGuards.keepsSomePool(
                  request.getAllowDeleteAll(), PoolMutations.replaceAll(request.getPoolsList()));
          if (request.hasBaseVersion() && !request.getOverwriteNewer()) {
            long base = request.getBaseVersion();
            // Read outside the registry's lock: a revision never changes once stored.
            List<Pool> basePools = revisions.poolsAt(base).orElse(null);
            mutation =
                ImportGuards.unchangedSince(
                    base, basePools, () -> pools.current().getVersion(), mutation);
          }
          if (request.hasExpectedVersion()) {
            mutation =
                PoolMutations.ifVersion(
                    request.getExpectedVersion(), () -> pools.current().getVersion(), mutation);
          }
          ChangeOutcome outcome =
              pools.apply(mutation, intent("ImportConfig", request.getOptions()));
          return ImportConfigResponse.newBuilder()
              .setConfigVersion(outcome.config().getVersion())
              .setDiff(outcome.diff())
              .setDryRun(outcome.dryRun())
              .build();
        });
  }

  /**
   * Applies {@code mutation} as rpc {@code operation} and returns the pool it changed, as it is
   * afterwards (for a dry run: as it would be), with the diff.
   */
  private PoolResponse change(
      String poolName, Mutation mutation, String operation, MutationOptions options) {
    ChangeOutcome outcome = pools.apply(mutation, intent(operation, options));
    return poolResponse(outcome.config(), poolName).toBuilder()
        .setDiff(outcome.diff())
        .setDryRun(outcome.dryRun())
        .build();
  }

  @Override
  public void adoptFleet(AdoptFleetRequest request, StreamObserver<AdoptFleetResponse> response) {
    respond(
        response,
        () ->
            FleetAdoption.adopt(
                pools, fleet.proxies(), request, intent("AdoptFleet", request.getOptions())));
  }

  private static ChangeIntent intent(String operation, MutationOptions options) {
    return ChangeIntent.of(operation, ActorInterceptor.currentActor(), options);
  }

  private static PoolResponse poolResponse(ConfigSnapshot snapshot, String poolName) {
    return PoolResponse.newBuilder()
        .setPool(Pools.require(snapshot.getPoolsList(), poolName))
        .setConfigVersion(snapshot.getVersion())
        .build();
  }

  /** Answers once {@code answer} completes; it holds no thread meanwhile. */
  private static <T> void respondLater(StreamObserver<T> observer, CompletableFuture<T> answer) {
    answer.whenComplete(
        (result, error) -> {
          if (error == null) {
            observer.onNext(result);
            observer.onCompleted();
            return;
          }
          Throwable cause = ProxyFleet.cause(error);
          if (cause instanceof StatusRuntimeException e) {
            observer.onError(e);
          } else {
            log.error("admin call failed", cause);
            observer.onError(
                Status.INTERNAL.withDescription(cause.toString()).asRuntimeException());
          }
        });
  }

  private static <T> void respond(StreamObserver<T> observer, Supplier<T> call) {
    T result;
    try {
      result = call.get();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
      return;
    } catch (RuntimeException e) {
      log.error("admin call failed", e);
      observer.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
