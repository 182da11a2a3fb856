package dev.weir.control.fleet;

import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.control.pool.PoolRegistry;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;

/** {@code ProxyService}: each {@code Connect} stream becomes a {@link ProxySession}. */
final class ProxyServiceImpl extends ProxyServiceGrpc.ProxyServiceImplBase {
  private final ProxyDirectory directory;
  private final PoolRegistry pools;
  private final FleetListener events;
  private final Clock clock;

  ProxyServiceImpl(
      ProxyDirectory directory, PoolRegistry pools, FleetListener events, Clock clock) {
    this.directory = directory;
    this.pools = pools;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public StreamObserver<ProxyMessage> connect(StreamObserver<ControlMessage> responseObserver) {
    return new ProxySession(
        (ServerCallStreamObserver<ControlMessage>) responseObserver,
        PeerAddressInterceptor.currentPeer(),
        directory,
        pools,
        events,
        clock);
  }
}
