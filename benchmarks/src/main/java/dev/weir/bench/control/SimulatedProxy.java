package dev.weir.bench.control;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigAck;
import dev.weir.api.v1.ConfigApplied;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.api.v1.StatsReport;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

/**
 * One proxy's side of a Connect stream on its own channel: says hello, ACKs and applies every
 * snapshot at once (no listeners to bind, so what is measured is the control plane and the
 * wire), and sends a StatsReport when asked. Tells its {@link SimulatedFleet} when it applied.
 */
final class SimulatedProxy implements ClientResponseObserver<ProxyMessage, ControlMessage> {
  private final String id;
  private final ManagedChannel channel;
  private final SimulatedFleet fleet;
  private final ReportShape shape;
  @GuardedBy("this")
  private long reportsSent;
  private ClientCallStreamObserver<ProxyMessage> requests;
  @GuardedBy("this")
  private boolean done;
  private volatile long applied;
  private volatile String failure;

  SimulatedProxy(String id, ManagedChannel channel, SimulatedFleet fleet, ReportShape shape) {
    this.id = id;
    this.channel = channel;
    this.fleet = fleet;
    this.shape = shape;
  }

  void connect() {
    ProxyServiceGrpc.newStub(channel).connect(this);
    send(ProxyMessage.newBuilder()
        .setHello(Hello.newBuilder().setProxyId(id).setHostname(id).setVersion("bench"))
        .build());
  }

  long applied() {
    return applied;
  }

  synchronized long reportsSent() {
    return reportsSent;
  }

  /** Why the stream ended, or null while it is open. */
  String failure() {
    return failure;
  }

  ManagedChannel channel() {
    return channel;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ProxyMessage> requestStream) {
    requests = requestStream;
  }

  @Override
  public void onNext(ControlMessage message) {
    if (!message.hasSnapshot()) {
      return;
    }
    ConfigSnapshot snapshot = message.getSnapshot();
    send(ProxyMessage.newBuilder().setAck(ConfigAck.newBuilder()
        .setVersion(snapshot.getVersion()).setNonce(snapshot.getNonce())).build());
    send(ProxyMessage.newBuilder().setApplied(ConfigApplied.newBuilder()
        .setVersion(snapshot.getVersion()).setNonce(snapshot.getNonce())).build());
    long sentAt = System.nanoTime();
    applied = snapshot.getVersion();
    fleet.applied(snapshot.getVersion(), sentAt, this);
  }

  /** Sends a report shaped like a real proxy's: every backend and listener of every pool. */
  void report() {
    long n;
    synchronized (this) {
      n = ++reportsSent;
    }
    long now = System.currentTimeMillis();
    StatsReport.Builder report = StatsReport.newBuilder()
        .setTime(Timestamp.newBuilder()
            .setSeconds(now / 1000).setNanos((int) (now % 1000) * 1_000_000))
        .setConfigVersion(applied);
    for (int p = 0; p < shape.pools(); p++) {
      String pool = shape.poolName(p);
      for (int b = 0; b < shape.backendsPerPool(); b++) {
        report.addBackends(BackendStats.newBuilder()
            .setPool(pool).setAddress(shape.backendAddress(p, b))
            .setActiveConnections(b + 1).setTotalConnections(n * 10 + b)
            .setBytesToBackend(n * 1000).setBytesToClient(n * 4000)
            .setHealth(BackendHealth.HEALTHY)
            .setConnectLatencyP50Us(300).setConnectLatencyP99Us(900));
      }
      report.addListeners(ListenerStats.newBuilder().setPool(pool)
          .setAddress("127.0.0.1:" + shape.listenPort(p))
          .setAcceptedConnections(n * 10).setActiveConnections(shape.backendsPerPool()));
    }
    send(ProxyMessage.newBuilder().setStats(report).build());
  }

  // gRPC's callback thread (ACKs) and the report timer both send.
  private synchronized void send(ProxyMessage message) {
    if (!done) {
      requests.onNext(message);
    }
  }

  synchronized void leave() {
    if (!done) {
      done = true;
      requests.onCompleted();
    }
  }

  @Override
  public void onError(Throwable t) {
    synchronized (this) {
      done = true;
    }
    failure = t.toString();
  }

  @Override
  public void onCompleted() {
    failure = "the control plane ended the stream";
    leave();
  }
}
