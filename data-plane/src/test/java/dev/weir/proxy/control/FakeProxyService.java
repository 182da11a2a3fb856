package dev.weir.proxy.control;

import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A control plane that records every stream and message, and answers only when told to. */
final class FakeProxyService extends ProxyServiceGrpc.ProxyServiceImplBase {

  /** One Connect call as the control plane sees it. */
  static final class Stream {
    final StreamObserver<ControlMessage> toProxy;
    final List<ProxyMessage> received = new CopyOnWriteArrayList<>();
    volatile boolean proxyFinished;

    Stream(StreamObserver<ControlMessage> toProxy) {
      this.toProxy = toProxy;
    }

    synchronized void send(ControlMessage message) {
      toProxy.onNext(message);
    }

    synchronized void end() {
      toProxy.onCompleted();
    }

    synchronized void fail(Throwable t) {
      toProxy.onError(t);
    }

    List<ProxyMessage> received(ProxyMessage.KindCase kind) {
      return received.stream().filter(m -> m.getKindCase() == kind).toList();
    }
  }

  final List<Stream> streams = new CopyOnWriteArrayList<>();

  /** Sent as soon as a stream opens, before the proxy has said anything; null for none. */
  volatile ControlMessage eagerGreeting;

  @Override
  public StreamObserver<ProxyMessage> connect(StreamObserver<ControlMessage> toProxy) {
    Stream stream = new Stream(toProxy);
    streams.add(stream);
    ControlMessage greeting = eagerGreeting;
    if (greeting != null) {
      stream.send(greeting);
    }
    return new StreamObserver<>() {
      @Override
      public void onNext(ProxyMessage message) {
        stream.received.add(message);
      }

      @Override
      public void onError(Throwable t) {
        stream.proxyFinished = true;
      }

      @Override
      public void onCompleted() {
        stream.proxyFinished = true;
      }
    };
  }

  Stream stream(int i) {
    return streams.get(i);
  }

  Stream latest() {
    return streams.get(streams.size() - 1);
  }
}
