package dev.weir.control.testing;

import dev.weir.api.v1.ConfigAck;
import dev.weir.api.v1.ConfigApplied;
import dev.weir.api.v1.ConfigNack;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.api.v1.StatsReport;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A proxy's side of one {@code Connect} stream, driven by the test. */
public final class TestProxy implements ClientResponseObserver<ProxyMessage, ControlMessage> {
  private final List<ConfigSnapshot> snapshots = new CopyOnWriteArrayList<>();
  private volatile ClientCallStreamObserver<ProxyMessage> requests;
  private volatile Status closedWith;
  private volatile boolean applyEverything;
  private final List<ControlMessage> received = new CopyOnWriteArrayList<>();
  // Answers requests other than snapshots as they arrive; null: stay silent, as an old proxy does.
  private volatile Function<ControlMessage, ProxyMessage> answers;

  public TestProxy(Channel channel) {
    ProxyServiceGrpc.newStub(channel).connect(this);
  }

  public TestProxy hello(String proxyId) {
    return hello(
        Hello.newBuilder()
            .setProxyId(proxyId)
            .setHostname("host-" + proxyId)
            .setVersion("0.1.0-test")
            .build());
  }

  public TestProxy hello(Hello hello) {
    return send(ProxyMessage.newBuilder().setHello(hello).build());
  }

  public TestProxy ack(ConfigSnapshot snapshot) {
    return send(
        ProxyMessage.newBuilder()
            .setAck(
                ConfigAck.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce()))
            .build());
  }

  /** Says the snapshot is in force, as a proxy does after its ACK. */
  public TestProxy applied(ConfigSnapshot snapshot) {
    return send(
        ProxyMessage.newBuilder()
            .setApplied(
                ConfigApplied.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce()))
            .build());
  }

  /** Says the snapshot is in force except for the {@code failed} pools. */
  public TestProxy applied(ConfigSnapshot snapshot, PoolApplyFailure... failed) {
    return send(
        ProxyMessage.newBuilder()
            .setApplied(
                ConfigApplied.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce())
                    .addAllFailedPools(List.of(failed)))
            .build());
  }

  /** Reports that the pools of {@code version} not in force are now {@code failed}. */
  public TestProxy poolStatus(long version, PoolApplyFailure... failed) {
    return send(
        ProxyMessage.newBuilder()
            .setPoolStatus(
                PoolApplyStatus.newBuilder()
                    .setConfigVersion(version)
                    .addAllFailedPools(List.of(failed)))
            .build());
  }

  /**
   * From now on answers every snapshot as a healthy proxy does, ACK then applied, starting with the
   * newest one already received.
   */
  public TestProxy applyEverything() {
    applyEverything = true;
    ConfigSnapshot latest = latest();
    if (latest != null) {
      ack(latest).applied(latest);
    }
    return this;
  }

  public TestProxy nack(ConfigSnapshot snapshot, String reason) {
    return send(
        ProxyMessage.newBuilder()
            .setNack(
                ConfigNack.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce())
                    .setReason(reason))
            .build());
  }

  public TestProxy stats(StatsReport report) {
    return send(ProxyMessage.newBuilder().setStats(report).build());
  }

  // Synchronized: the test's thread and gRPC's (answering snapshots) may both send.
  public synchronized TestProxy send(ProxyMessage message) {
    requests.onNext(message);
    return this;
  }

  /** Drops the stream the way a proxy that goes away does. */
  public void cancel() {
    requests.cancel("test proxy went away", null);
  }

  /**
   * Answers each request that is not a snapshot (list or close connections) with what {@code
   * answerer} returns (null: no answer); until this is called the proxy ignores them, as an older
   * one does.
   */
  public TestProxy answerRequests(Function<ControlMessage, ProxyMessage> answerer) {
    answers = answerer;
    return this;
  }

  /** Messages other than snapshots received, in order. */
  public List<ControlMessage> requests() {
    return List.copyOf(received);
  }

  public List<ConfigSnapshot> snapshots() {
    return List.copyOf(snapshots);
  }

  /** The newest snapshot received, or null before the first. */
  public ConfigSnapshot latest() {
    List<ConfigSnapshot> received = snapshots();
    return received.isEmpty() ? null : received.get(received.size() - 1);
  }

  /** How the control plane ended the stream, or null while it is open. */
  public Status closedWith() {
    return closedWith;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ProxyMessage> requestStream) {
    requests = requestStream;
  }

  @Override
  public void onNext(ControlMessage message) {
    if (!message.hasSnapshot()) {
      received.add(message);
      Function<ControlMessage, ProxyMessage> answerer = answers;
      ProxyMessage reply = answerer != null ? answerer.apply(message) : null;
      if (reply != null) {
        send(reply);
      }
      return;
    }
    snapshots.add(message.getSnapshot());
    if (applyEverything) {
      ack(message.getSnapshot()).applied(message.getSnapshot());
    }
  }

  @Override
  public void onError(Throwable t) {
    closedWith = Status.fromThrowable(t);
  }

  @Override
  public void onCompleted() {
    closedWith = Status.OK;
  }
}
