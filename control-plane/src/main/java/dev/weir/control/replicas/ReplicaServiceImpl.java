package dev.weir.control.replicas;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.FollowRequest;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ReplicaServiceGrpc;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.PoolRegistry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ReplicaService}: what other replicas ask this one about its own proxies. The requests come
 * from replicas running the same checks on their callers, but are still checked here: a replica of
 * another fleet is refused, and connection requests are validated as AdminService validates them.
 */
public final class ReplicaServiceImpl extends ReplicaServiceGrpc.ReplicaServiceImplBase {
  private static final int MAX_LIMIT = 10_000;

  private final ReplicaFeed feed;
  private final ProxyFleet fleet;
  private final PoolRegistry pools;

  public ReplicaServiceImpl(ReplicaFeed feed, ProxyFleet fleet, PoolRegistry pools) {
    this.feed = feed;
    this.fleet = fleet;
    this.pools = pools;
  }

  @Override
  public void follow(FollowRequest request, StreamObserver<ReplicaUpdate> response) {
    String fleetId = pools.current().getFleetId();
    if (!request.getFleetId().equals(fleetId)) {
      response.onError(
          Status.FAILED_PRECONDITION
              .withDescription(
                  "replica "
                      + request.getReplicaId()
                      + " serves fleet "
                      + request.getFleetId()
                      + ", this one "
                      + fleetId
                      + ": replicas of different fleets do not share proxies")
              .asRuntimeException());
      return;
    }
    feed.follow(request.getReplicaId(), (ServerCallStreamObserver<ReplicaUpdate>) response);
  }

  @Override
  public void listLocalConnections(
      ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> response) {
    if (request.getLimit() <= 0 || request.getLimit() > MAX_LIMIT) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription(
                  "limit must be 1.."
                      + MAX_LIMIT
                      + ", got "
                      + Integer.toUnsignedString(request.getLimit()))
              .asRuntimeException());
      return;
    }
    answer(
        response,
        fleet.listLocalConnections(
            request.getPool(), request.getBackend(), request.getProxy(), request.getLimit()));
  }

  @Override
  public void closeLocalConnection(
      CloseConnectionRequest request, StreamObserver<CloseConnectionResponse> response) {
    String id = request.getId();
    int slash = id.lastIndexOf('/');
    long sequence;
    try {
      sequence = Long.parseLong(id.substring(slash + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("id \"" + id + "\" is invalid: " + "use PROXY-ID/SEQUENCE")
              .asRuntimeException());
      return;
    }
    if (slash <= 0) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("id \"" + id + "\" is invalid: " + "use PROXY-ID/SEQUENCE")
              .asRuntimeException());
      return;
    }
    answer(
        response,
        fleet
            .closeLocalConnection(id.substring(0, slash), sequence)
            .thenApply(
                closed -> CloseConnectionResponse.newBuilder().setConnection(closed).build()));
  }

  private static <T> void answer(StreamObserver<T> response, CompletableFuture<T> answer) {
    answer.whenComplete(
        (value, error) -> {
          if (error != null) {
            Throwable cause = ProxyFleet.cause(error);
            response.onError(
                cause instanceof StatusRuntimeException e
                    ? e
                    : Status.INTERNAL
                        .withDescription(String.valueOf(cause.getMessage()))
                        .asRuntimeException());
            return;
          }
          response.onNext(value);
          response.onCompleted();
        });
  }
}
