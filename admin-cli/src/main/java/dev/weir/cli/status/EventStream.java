package dev.weir.cli.status;

import dev.weir.api.v1.AdminServiceGrpc.AdminServiceStub;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A Watch stream read one event at a time. The next event is requested only once the previous one
 * was taken, so a reader that falls behind makes the control plane skip events (and count them in
 * {@code missed}) instead of either side buffering without bound.
 */
final class EventStream implements AutoCloseable {

  private static final Object END = new Object();

  // At most one event plus the end or a failure: flow control allows no more.
  private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
  private volatile ClientCallStreamObserver<WatchRequest> call;

  private EventStream() {}

  static EventStream open(AdminServiceStub admin, WatchRequest request) {
    EventStream stream = new EventStream();
    admin.watch(request, stream.new Receiver());
    return stream;
  }

  /**
   * The next event, waiting for it; null once the control plane ended the stream. A failed stream
   * throws its status, as a blocking call would.
   */
  FleetEvent next() throws InterruptedException {
    Object item = arrived.take();
    if (item == END) {
      arrived.add(END);
      return null;
    }
    if (item instanceof Status failed) {
      arrived.add(failed);
      throw failed.asRuntimeException();
    }
    call.request(1);
    return (FleetEvent) item;
  }

  /** Cancels the stream; idempotent. */
  @Override
  public void close() {
    ClientCallStreamObserver<WatchRequest> started = call;
    if (started != null) {
      started.cancel("weirctl stopped watching", null);
    }
  }

  private final class Receiver implements ClientResponseObserver<WatchRequest, FleetEvent> {

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      call = requestStream;
      requestStream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(FleetEvent event) {
      arrived.add(event);
    }

    @Override
    public void onError(Throwable t) {
      arrived.add(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      arrived.add(END);
    }
  }
}
