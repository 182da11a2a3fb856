package dev.weir.control.admin;

import dev.weir.api.status.AnsweredBy;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/** Marks every answer as weir-control's own (see {@link AnsweredBy}). */
public final class AnsweredByInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    return next.startCall(
        new SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            trailers.put(AnsweredBy.KEY, AnsweredBy.CONTROL_PLANE);
            super.close(status, trailers);
          }
        },
        headers);
  }
}
