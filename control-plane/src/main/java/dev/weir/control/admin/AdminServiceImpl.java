package dev.weir.control.admin;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.ConfigRules;
import dev.weir.control.pool.Mutation;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.pool.Pools;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code AdminService}. Changes go through the {@link PoolRegistry}, which makes each one a new
 * version; a change that alters nothing (draining a backend already draining, say) returns the
 * current version without making a new one.
 */
public final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);

  private final PoolRegistry pools;
  private final ProxyFleet fleet;

  public AdminServiceImpl(PoolRegistry pools, ProxyFleet fleet) {
    this.pools = pools;
    this.fleet = fleet;
  }

  @Override
  public void createPool(CreatePoolRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getName(), PoolMutations.createPool(request)));
  }

  @Override
  public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> response) {
    respond(response, () -> {
      ConfigSnapshot current = pools.current();
      return ListPoolsResponse.newBuilder()
          .addAllPools(current.getPoolsList())
          .setConfigVersion(current.getVersion())
          .build();
    });
  }

  @Override
  public void getPool(GetPoolRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> {
      String name = ConfigRules.poolName(request.getName());
      return poolResponse(pools.current(), name);
    });
  }

  @Override
  public void updatePool(UpdatePoolRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(
        request.getPool().getName(), PoolMutations.updatePool(request)));
  }

  @Override
  public void deletePool(DeletePoolRequest request, StreamObserver<DeletePoolResponse> response) {
    respond(response, () -> {
      ConfigSnapshot next = pools.apply(PoolMutations.deletePool(request.getName()));
      return DeletePoolResponse.newBuilder().setConfigVersion(next.getVersion()).build();
    });
  }

  @Override
  public void addBackend(AddBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getPool(), PoolMutations.addBackend(request)));
  }

  @Override
  public void removeBackend(RemoveBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getPool(),
        PoolMutations.removeBackend(request.getPool(), request.getAddress())));
  }

  @Override
  public void setBackendWeight(
      SetBackendWeightRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getPool(),
        PoolMutations.setWeight(request.getPool(), request.getAddress(), request.getWeight())));
  }

  @Override
  public void drainBackend(DrainBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getPool(), PoolMutations.setState(
        request.getPool(), request.getAddress(), BackendState.DRAINING)));
  }

  @Override
  public void undrainBackend(
      UndrainBackendRequest request, StreamObserver<PoolResponse> response) {
    respond(response, () -> change(request.getPool(), PoolMutations.setState(
        request.getPool(), request.getAddress(), BackendState.ACTIVE)));
  }

  @Override
  public void listProxies(
      ListProxiesRequest request, StreamObserver<ListProxiesResponse> response) {
    respond(response, () -> ListProxiesResponse.newBuilder()
        .addAllProxies(fleet.proxies())
        .setConfigVersion(pools.current().getVersion())
        .build());
  }

  @Override
  public void getPoolStatus(GetPoolStatusRequest request, StreamObserver<PoolStatus> response) {
    respond(response, () -> {
      String name = ConfigRules.poolName(request.getName());
      ConfigSnapshot current = pools.current();
      return PoolStatusAggregator.aggregate(
          Pools.require(current.getPoolsList(), name),
          current.getVersion(),
          fleet.connectedReports());
    });
  }

  /** Applies {@code mutation} and returns the pool it changed, as it is afterwards. */
  private PoolResponse change(String poolName, Mutation mutation) {
    return poolResponse(pools.apply(mutation), poolName);
  }

  private static PoolResponse poolResponse(ConfigSnapshot snapshot, String poolName) {
    return PoolResponse.newBuilder()
        .setPool(Pools.require(snapshot.getPoolsList(), poolName))
        .setConfigVersion(snapshot.getVersion())
        .build();
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
