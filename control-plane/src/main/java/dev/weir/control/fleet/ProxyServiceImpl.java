package dev.weir.control.fleet;

import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.control.security.Caller;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** {@code ProxyService}: each {@code Connect} stream becomes a {@link ProxySession}. */
final class ProxyServiceImpl extends ProxyServiceGrpc.ProxyServiceImplBase {
  private final SessionContext context;

  ProxyServiceImpl(SessionContext context) {
    this.context = context;
  }

  @Override
  public StreamObserver<ProxyMessage> connect(StreamObserver<ControlMessage> responseObserver) {
    return new ProxySession(
        (ServerCallStreamObserver<ControlMessage>) responseObserver,
        PeerAddressInterceptor.currentPeer(),
        Caller.current(),
        context);
  }
}
