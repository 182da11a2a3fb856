package dev.weir.control.fleet;

import dev.weir.api.v1.ControlMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;

/** A server stream whose readiness the test controls, recording what was sent. */
final class FakeServerStream extends ServerCallStreamObserver<ControlMessage> {
  final List<ControlMessage> sent = new ArrayList<>();
  boolean ready = true;
  Status closedWith;
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
  public void onNext(ControlMessage value) {
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
