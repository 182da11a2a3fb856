package dev.weir.control.fleet;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A server stream whose readiness the test controls, recording what was sent. */
final class FakeServerStream<T> extends ServerCallStreamObserver<T> {
  // Synchronized: timeouts send from the scheduler's thread.
  final List<T> sent = Collections.synchronizedList(new ArrayList<>());
  volatile boolean ready = true;
  volatile Status closedWith;
  Runnable onReady;
  Runnable onCancel;
  // Called from inside onNext, to act as a caller racing with a send in progress.
  Runnable duringSend = () -> {};

  /** Makes the stream ready and runs the ready handler, as gRPC would. */
  void becomeReady() {
    ready = true;
    onReady.run();
  }

  @Override
  public void onNext(T value) {
    if (closedWith != null) {
      throw new IllegalStateException("send after close");
    }
    sent.add(value);
    Runnable hook = duringSend;
    duringSend = () -> {};
    hook.run();
  }

  @Override
  public void onError(Throwable t) {
    closeWith(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    closeWith(Status.OK);
  }

  private void closeWith(Status status) {
    if (closedWith != null) {
      throw new IllegalStateException("closed twice");
    }
    closedWith = status;
  }

  @Override
  public boolean isReady() {
    return ready;
  }

  @Override
  public void setOnReadyHandler(Runnable onReadyHandler) {
    onReady = onReadyHandler;
  }

  @Override
  public void setOnCancelHandler(Runnable onCancelHandler) {
    onCancel = onCancelHandler;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setCompression(String compression) {}

  @Override
  public void disableAutoInboundFlowControl() {}

  @Override
  public void request(int count) {}

  @Override
  public void setMessageCompression(boolean enable) {}
}
