package dev.weir.api.testing;

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
import java.util.List;

/**
 * One proxy's side of a Connect stream, for tests and benchmarks that need many of them: says
 * hello, ACKs and applies every snapshot at once (no listeners to bind, so what is measured is the
 * control plane and the wire), and sends a StatsReport shaped like a real proxy's when asked.
 */
public final class SimulatedProxy implements ClientResponseObserver<ProxyMessage, ControlMessage> {

  /** Told of every snapshot applied, on gRPC's callback thread. */
  public interface AppliedListener {
    /**
     * @param atNanos {@code System.nanoTime()} just after the ConfigApplied was sent
     */
    void applied(SimulatedProxy proxy, long version, long atNanos);
  }

  /**
   * A pool as the proxy reports on it.
   *
   * @param listen the listener's address to report, or null for none
   */
  public record ReportedPool(String name, List<String> backends, String listen) {}

  private final String id;
  private final String version;
  private final List<ReportedPool> pools;
  private final AppliedListener listener;

  @GuardedBy("this")
  private long reportsSent;

  @GuardedBy("this")
  private boolean done;

  private ClientCallStreamObserver<ProxyMessage> requests;
  private volatile ManagedChannel channel;
  private volatile long applied;
  private volatile String failure;

  /**
   * @param id the proxy id its hello carries
   * @param version the software version its hello carries
   * @param pools what its stats reports cover
   */
  public SimulatedProxy(
      String id, String version, List<ReportedPool> pools, AppliedListener listener) {
    this.id = id;
    this.version = version;
    this.pools = List.copyOf(pools);
    this.listener = listener;
  }

  /** Opens the stream on {@code channel} and says hello. */
  public void connect(ManagedChannel channel) {
    this.channel = channel;
    ProxyServiceGrpc.newStub(channel).connect(this);
    send(
        ProxyMessage.newBuilder()
            .setHello(Hello.newBuilder().setProxyId(id).setHostname(id).setVersion(version))
            .build());
  }

  /** The newest version applied, 0 before the first. */
  public long applied() {
    return applied;
  }

  public synchronized long reportsSent() {
    return reportsSent;
  }

  /** Why the stream ended, or null while it is open. */
  public String failure() {
    return failure;
  }

  /** The channel given to {@link #connect}, or null before. */
  public ManagedChannel channel() {
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
    send(
        ProxyMessage.newBuilder()
            .setAck(
                ConfigAck.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce()))
            .build());
    send(
        ProxyMessage.newBuilder()
            .setApplied(
                ConfigApplied.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce()))
            .build());
    long sentAt = System.nanoTime();
    applied = snapshot.getVersion();
    listener.applied(this, snapshot.getVersion(), sentAt);
  }

  /** Sends a report on every backend and listener of every pool, its counters growing each time. */
  public void report() {
    long n;
    synchronized (this) {
      n = ++reportsSent;
    }
    long now = System.currentTimeMillis();
    StatsReport.Builder report =
        StatsReport.newBuilder()
            .setTime(
                Timestamp.newBuilder()
                    .setSeconds(now / 1000)
                    .setNanos((int) (now % 1000) * 1_000_000))
            .setConfigVersion(applied);
    for (ReportedPool pool : pools) {
      for (int b = 0; b < pool.backends().size(); b++) {
        report.addBackends(
            BackendStats.newBuilder()
                .setPool(pool.name())
                .setAddress(pool.backends().get(b))
                .setActiveConnections(b + 1)
                .setTotalConnections(n * 10 + b)
                .setBytesToBackend(n * 1000)
                .setBytesToClient(n * 4000)
                .setHealth(BackendHealth.HEALTHY)
                .setConnectLatencyP50Us(300)
                .setConnectLatencyP99Us(900));
      }
      if (pool.listen() != null) {
        report.addListeners(
            ListenerStats.newBuilder()
                .setPool(pool.name())
                .setAddress(pool.listen())
                .setAcceptedConnections(n * 10)
                .setActiveConnections(pool.backends().size()));
      }
    }
    send(ProxyMessage.newBuilder().setStats(report).build());
  }

  // gRPC's callback thread (ACKs) and a report timer both send.
  private synchronized void send(ProxyMessage message) {
    if (!done) {
      requests.onNext(message);
    }
  }

  /** Ends the stream as a proxy that shuts down does. Idempotent. */
  public synchronized void leave() {
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
