package dev.weir.cli;

import com.google.protobuf.Message;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
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
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;

/**
 * An AdminService that records every request and answers each call with the one canned response,
 * error, or silence the test chose.
 */
public final class FakeAdminService extends AdminServiceGrpc.AdminServiceImplBase {

  private final List<Message> requests = new CopyOnWriteArrayList<>();
  private volatile Message response;
  private volatile Status error;
  private volatile Metadata errorTrailers = new Metadata();
  private volatile boolean silent;
  // Per request type: answers to give in turn, the last one repeated; before the shared one.
  private final Map<Class<?>, Deque<Message>> byRequest = new ConcurrentHashMap<>();
  private final List<StreamObserver<FleetEvent>> watchers = new CopyOnWriteArrayList<>();

  /** Answers every call with {@code response}, which must be the call's response type. */
  public FakeAdminService respondWith(Message response) {
    this.response = response;
    return this;
  }

  /**
   * Answers calls taking {@code requestType} with {@code responses} in turn, then with the last one
   * again; other calls keep the answer {@link #respondWith} chose.
   */
  public FakeAdminService respondTo(Class<? extends Message> requestType, Message... responses) {
    byRequest.put(requestType, new ArrayDeque<>(List.of(responses)));
    return this;
  }

  /** The requests of {@code type} received, in order. */
  public <T extends Message> List<T> requests(Class<T> type) {
    return requests.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public FakeAdminService failWith(Status error) {
    return failWith(error, new Metadata());
  }

  /** Fails every call with {@code error} and these trailers, as a real server could send them. */
  public FakeAdminService failWith(Status error, Metadata trailers) {
    this.error = error;
    this.errorTrailers = trailers;
    return this;
  }

  /** Never answers, so the client's deadline is what ends the call. */
  public FakeAdminService neverAnswer() {
    this.silent = true;
    return this;
  }

  public List<Message> requests() {
    return List.copyOf(requests);
  }

  /** The only request received, which must be of {@code type}. */
  public <T extends Message> T onlyRequest(Class<T> type) {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests);
    }
    return type.cast(requests.get(0));
  }

  @Override
  public void createPool(CreatePoolRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void listPools(ListPoolsRequest request, StreamObserver<ListPoolsResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void getPool(GetPoolRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void updatePool(UpdatePoolRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void deletePool(DeletePoolRequest request, StreamObserver<DeletePoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void addBackend(AddBackendRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void removeBackend(RemoveBackendRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void setBackendWeight(
      SetBackendWeightRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void drainBackend(DrainBackendRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void undrainBackend(UndrainBackendRequest request, StreamObserver<PoolResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void listProxies(
      ListProxiesRequest request, StreamObserver<ListProxiesResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void listConnections(
      ListConnectionsRequest request, StreamObserver<ListConnectionsResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void closeConnection(
      CloseConnectionRequest request, StreamObserver<CloseConnectionResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void getPoolStatus(GetPoolStatusRequest request, StreamObserver<PoolStatus> observer) {
    answer(request, observer);
  }

  @Override
  public void waitForApplied(
      WaitForAppliedRequest request, StreamObserver<WaitForAppliedResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void listRevisions(
      ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void getRevision(GetRevisionRequest request, StreamObserver<Revision> observer) {
    answer(request, observer);
  }

  @Override
  public void diffRevisions(
      DiffRevisionsRequest request, StreamObserver<DiffRevisionsResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void adoptFleet(AdoptFleetRequest request, StreamObserver<AdoptFleetResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void exportConfig(
      ExportConfigRequest request, StreamObserver<ExportConfigResponse> observer) {
    answer(request, observer);
  }

  @Override
  public void importConfig(
      ImportConfigRequest request, StreamObserver<ImportConfigResponse> observer) {
    answer(request, observer);
  }

  /** Holds the stream open; the test sends on it with {@link #watchers()}. */
  @Override
  public void watch(WatchRequest request, StreamObserver<FleetEvent> observer) {
    requests.add(request);
    watchers.add(observer);
  }

  /** Waits for the first Watch stream to open and returns it, for the test to send events on. */
  public StreamObserver<FleetEvent> awaitWatcher() {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !watchers.isEmpty());
    return watchers.get(0);
  }

  /** The Watch streams opened so far, in order, for the test to send events on and end. */
  public List<StreamObserver<FleetEvent>> watchers() {
    return List.copyOf(watchers);
  }

  @SuppressWarnings("unchecked")
  private <T> void answer(Message request, StreamObserver<T> observer) {
    requests.add(request);
    if (silent) {
      return;
    }
    if (error != null) {
      observer.onError(error.asRuntimeException(errorTrailers));
      return;
    }
    Deque<Message> queued = byRequest.get(request.getClass());
    if (queued != null) {
      synchronized (queued) {
        Message next = queued.size() > 1 ? queued.poll() : queued.peek();
        observer.onNext((T) next);
      }
      observer.onCompleted();
      return;
    }
    if (response == null) {
      observer.onError(Status.INTERNAL.withDescription("test set no response").asException());
      return;
    }
    observer.onNext((T) response);
    observer.onCompleted();
  }
}
