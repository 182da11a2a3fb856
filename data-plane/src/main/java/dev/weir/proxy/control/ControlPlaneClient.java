package dev.weir.proxy.control;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import dev.weir.api.tls.TlsFailures;
import dev.weir.api.v1.CloseConnectionCommand;
import dev.weir.api.v1.ConfigAck;
import dev.weir.api.v1.ConfigApplied;
import dev.weir.api.v1.ConfigNack;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.ProxyServiceGrpc;
import dev.weir.api.v1.StatsReport;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.ProxyConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one {@code ProxyService.Connect} stream open: says hello, answers each snapshot (a NACK
 * with the reason if it is invalid, else an ACK, then ConfigApplied with the pools that could not
 * be put in force), reports those pools again when the proxy's own retries change them, and reports
 * stats on a timer. When the stream ends it reconnects with backoff; the proxy keeps serving
 * whatever it last applied in the meantime.
 */
public final class ControlPlaneClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlPlaneClient.class);

  private final ProxyServiceGrpc.ProxyServiceStub stub;
  private final Hello hello;
  private final ControlledProxy proxy;
  private final ScheduledExecutorService scheduler;
  private final Duration statsInterval;
  private final ReconnectBackoff backoff;
  private final Clock clock;
  private final String target;
  private final RepeatedRefusals refusals = new RepeatedRefusals();
  // The replica the latest stream reached, for logs; written from the stream's callbacks.
  private volatile String replica;
  // The kind of refusal while this proxy refuses the control plane's config as another fleet's or
  // as older (FleetGuard); read by metrics scrapes. Written from the stream's callbacks.
  private volatile NackKind refusing = NackKind.NACK_KIND_UNSPECIFIED;
  // The last refusal logged, so a control plane resending the same snapshot costs no log line.
  private volatile String lastRefusal;
  // The --tls-ca and --tls-cert files, or null: to say which one a TLS failure is about.
  private volatile Path tlsCa;
  private volatile Path tlsCert;

  @GuardedBy("this")
  private Stream stream;

  @GuardedBy("this")
  private ScheduledFuture<?> statsTask;

  @GuardedBy("this")
  private boolean closed;

  public ControlPlaneClient(
      Channel channel,
      String target,
      Hello hello,
      ControlledProxy proxy,
      ScheduledExecutorService scheduler,
      Duration statsInterval,
      ReconnectBackoff backoff,
      Clock clock) {
    this.stub = ProxyServiceGrpc.newStub(ClientInterceptors.intercept(channel, new PeerRecorder()));
    this.target = target;
    this.hello = hello;
    this.proxy = proxy;
    this.scheduler = scheduler;
    this.statsInterval = statsInterval;
    this.backoff = backoff;
    this.clock = clock;
  }

  public synchronized void start() {
    proxy.onPoolStatusChange(this::onPoolStatusChange);
    statsTask =
        scheduler.scheduleAtFixedRate(
            this::reportStats,
            statsInterval.toMillis(),
            statsInterval.toMillis(),
            TimeUnit.MILLISECONDS);
    connect();
  }

  /** Whether a stream is open and the control plane has sent at least one snapshot on it. */
  public synchronized boolean isConnected() {
    return stream != null && stream.established;
  }

  private synchronized void connect() {
    if (closed) {
      return;
    }
    Stream s = new Stream();
    stream = s;
    stub.connect(s);
    s.send(
        ProxyMessage.newBuilder()
            .setHello(
                hello.toBuilder().setConfigVersion(proxy.version()).setFleetId(proxy.fleetId()))
            .build());
  }

  private synchronized void streamEnded(Stream s, Throwable error) {
    if (stream != s) {
      return;
    }
    stream = null;
    if (closed) {
      return;
    }
    Duration delay = backoff.nextDelay();
    String why = error == null ? "closed by the control plane" : describe(error);
    Status status = error == null ? null : Status.fromThrowable(error);
    if (!s.established && status != null && RepeatedRefusals.isRefusal(status)) {
      // Retried with the same backoff, in case the cause goes away (the other stream ends).
      if (refusals.isNew(status)) {
        log.error(
            "control plane {} refused this proxy ({}); retrying with backoff, logged "
                + "again only if the reason changes",
            target,
            why);
      } else {
        log.debug(
            "control plane {} refused this proxy again ({}); retrying in {} ms",
            target,
            why,
            delay.toMillis());
      }
    } else if (s.established) {
      log.warn(
          "lost control plane {} ({}); serving config version {}; reconnecting to one of {} "
              + "in {} ms",
          replica,
          why,
          proxy.version(),
          target,
          delay.toMillis());
    } else {
      log.info(
          "control plane {} unavailable ({}); retrying in {} ms", target, why, delay.toMillis());
    }
    scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  // Runs on the stream's callback thread, one snapshot at a time, so answers go out in order.
  private void onSnapshot(Stream s, ConfigSnapshot snapshot) {
    Optional<FleetGuard.Refusal> refusal =
        FleetGuard.check(snapshot, proxy.version(), proxy.fleetId());
    if (refusal.isPresent()) {
      refuse(s, snapshot, refusal.get());
      return;
    }
    ProxyConfig config;
    try {
      config = proxy.validate(snapshot);
    } catch (InvalidConfigException | RuntimeException e) {
      nack(s, snapshot, e);
      return;
    }
    established(s);
    // The ACK goes before the apply: binding listeners can take a while, and the control plane
    // may send the next version as soon as this one is known to be acceptable.
    s.send(
        ProxyMessage.newBuilder()
            .setAck(
                ConfigAck.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce()))
            .build());
    List<PoolApplyFailure> failed;
    try {
      failed = proxy.apply(snapshot, config);
    } catch (InvalidConfigException | RuntimeException e) {
      nack(s, snapshot, e);
      return;
    }
    if (failed.isEmpty()) {
      log.info(
          "applied config version {} ({} pools)", snapshot.getVersion(), snapshot.getPoolsCount());
    } else {
      log.warn(
          "applied config version {} except {} of its {} pools: {}",
          snapshot.getVersion(),
          failed.size(),
          snapshot.getPoolsCount(),
          failed.stream().map(f -> f.getPool() + " (" + f.getReason() + ")").toList());
    }
    // A version with failed pools is still applied: the rest of it is in force, and the failed
    // pools are reported with it and again whenever the proxy's own retries change them.
    if (refusing != NackKind.NACK_KIND_UNSPECIFIED) {
      log.warn(
          "no longer refusing the control plane's config: version {} of fleet {} is in force",
          snapshot.getVersion(),
          snapshot.getFleetId());
      refusing = NackKind.NACK_KIND_UNSPECIFIED;
      lastRefusal = null;
    }
    s.send(
        ProxyMessage.newBuilder()
            .setApplied(
                ConfigApplied.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce())
                    .addAllFailedPools(failed))
            .build());
  }

  // On the retry's thread; a report for a version the stream has moved past is ignored there.
  private void onPoolStatusChange(PoolApplyStatus status) {
    Stream s;
    synchronized (this) {
      s = stream;
    }
    if (s != null && s.established) {
      s.send(ProxyMessage.newBuilder().setPoolStatus(status).build());
    }
  }

  // Answered from the event loops once each has listed its own connections; a failure is
  // logged and left unanswered, which the control plane reports as this proxy not answering.
  private void onListConnections(Stream s, ListConnectionsCommand command) {
    proxy
        .listConnections(command)
        .whenComplete(
            (list, error) -> {
              if (error != null) {
                log.warn("could not list connections", error);
                return;
              }
              s.send(
                  ProxyMessage.newBuilder()
                      .setConnections(list.toBuilder().setRequestId(command.getRequestId()))
                      .build());
            });
  }

  private void onCloseConnection(Stream s, CloseConnectionCommand command) {
    proxy
        .closeConnection(command)
        .whenComplete(
            (result, error) -> {
              if (error != null) {
                log.warn("could not close connection {}", command.getSequence(), error);
                return;
              }
              s.send(
                  ProxyMessage.newBuilder()
                      .setConnectionClosed(result.toBuilder().setRequestId(command.getRequestId()))
                      .build());
            });
  }

  private void nack(Stream s, ConfigSnapshot snapshot, Exception e) {
    log.warn(
        "rejected config version {}: {}; still serving version {}",
        snapshot.getVersion(),
        e.getMessage(),
        proxy.version());
    established(s);
    s.send(
        ProxyMessage.newBuilder()
            .setNack(
                ConfigNack.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce())
                    .setReason(String.valueOf(e.getMessage())))
            .build());
  }

  // Another fleet's config, or an older one: keep serving, and say so loudly but once per distinct
  // refusal, since the control plane offers the same snapshot again on every reconnect.
  private void refuse(Stream s, ConfigSnapshot snapshot, FleetGuard.Refusal refusal) {
    refusing = refusal.kind();
    if (!refusal.reason().equals(lastRefusal)) {
      lastRefusal = refusal.reason();
      log.error(
          "{}; still serving version {} and its listeners", refusal.reason(), proxy.version());
    }
    established(s);
    s.send(
        ProxyMessage.newBuilder()
            .setNack(
                ConfigNack.newBuilder()
                    .setVersion(snapshot.getVersion())
                    .setNonce(snapshot.getNonce())
                    .setReason(refusal.reason())
                    .setKind(refusal.kind()))
            .build());
  }

  /**
   * Whether this proxy refuses the control plane's config, and why: OTHER_FLEET or OLDER_VERSION
   * while it does, NACK_KIND_UNSPECIFIED otherwise.
   */
  public NackKind refusing() {
    return refusing;
  }

  // The control plane has answered the hello with a snapshot: the stream is up.
  private synchronized void established(Stream s) {
    if (!s.established) {
      s.established = true;
      backoff.reset();
      refusals.reset();
      log.info("connected to control plane {}", replica != null ? replica : target);
    }
  }

  private void reportStats() {
    Stream s;
    synchronized (this) {
      s = stream;
    }
    if (s == null || !s.established) {
      return;
    }
    try {
      Instant now = clock.instant();
      s.send(
          ProxyMessage.newBuilder()
              .setStats(
                  StatsReport.newBuilder()
                      .setTime(
                          Timestamp.newBuilder()
                              .setSeconds(now.getEpochSecond())
                              .setNanos(now.getNano()))
                      .setConfigVersion(proxy.version())
                      .addAllBackends(proxy.backendStats())
                      .addAllListeners(proxy.listenerStats()))
              .build());
    } catch (RuntimeException e) {
      // Never let one bad report cancel the timer.
      log.warn("could not send stats report", e);
    }
  }

  /** Stops reporting and closes the stream. Idempotent. */
  @Override
  public void close() {
    Stream s;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (statsTask != null) {
        statsTask.cancel(false);
      }
      s = stream;
      stream = null;
    }
    if (s != null) {
      s.finish();
    }
  }

  /**
   * The --tls-ca and --tls-cert files this proxy connects with (null for one not given), so a
   * failed connection names the one to fix rather than grpc's "ssl exception".
   */
  public ControlPlaneClient tlsFiles(Path ca, Path certificate) {
    this.tlsCa = ca;
    this.tlsCert = certificate;
    return this;
  }

  private String describe(Throwable error) {
    Status status = Status.fromThrowable(error);
    if (status.getCode() == Status.Code.UNAVAILABLE && (tlsCa != null || tlsCert != null)) {
      Optional<String> tls = TlsFailures.explain(error, tlsCa, tlsCert);
      if (tls.isPresent()) {
        return tls.get();
      }
    }
    return status.getDescription() == null
        ? status.getCode().toString()
        : status.getCode() + ": " + status.getDescription();
  }

  /** Notes which replica answered each call, since the channel may move between them. */
  private final class PeerRecorder implements ClientInterceptor {
    @Override
    public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
        MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<RespT> listener, Metadata headers) {
          ClientCall<ReqT, RespT> call = delegate();
          super.start(
              new SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata received) {
                  SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
                  replica =
                      peer instanceof InetSocketAddress inet
                          ? inet.getHostString() + ":" + inet.getPort()
                          : String.valueOf(peer);
                  super.onHeaders(received);
                }
              },
              headers);
        }
      };
    }
  }

  /** One stream's two halves; sends are serialized because the stats timer sends too. */
  private final class Stream implements ClientResponseObserver<ProxyMessage, ControlMessage> {
    private StreamObserver<ProxyMessage> requests;
    volatile boolean established;
    private boolean done;

    // Before the call starts, so a snapshot that arrives at once can already be answered.
    @Override
    public synchronized void beforeStart(ClientCallStreamObserver<ProxyMessage> requestStream) {
      requests = requestStream;
    }

    synchronized void send(ProxyMessage message) {
      if (!done) {
        requests.onNext(message);
      }
    }

    synchronized void finish() {
      if (!done) {
        done = true;
        requests.onCompleted();
      }
    }

    @Override
    public void onNext(ControlMessage message) {
      if (message.hasSnapshot()) {
        onSnapshot(this, message.getSnapshot());
      } else if (message.hasListConnections()) {
        onListConnections(this, message.getListConnections());
      } else if (message.hasCloseConnection()) {
        onCloseConnection(this, message.getCloseConnection());
      }
      // Other kinds are from a newer control plane; ignoring them keeps this proxy compatible.
    }

    @Override
    public void onError(Throwable t) {
      synchronized (this) {
        done = true;
      }
      streamEnded(this, t);
    }

    @Override
    public void onCompleted() {
      finish();
      streamEnded(this, null);
    }
  }
}
