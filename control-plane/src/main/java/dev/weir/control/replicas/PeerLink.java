package dev.weir.control.replicas;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.FollowRequest;
import dev.weir.api.v1.ReplicaServiceGrpc;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.control.fleet.ProxyFleet;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica following one other replica: one Follow stream, whose updates go to the fleet,
 * reopened after a backoff when it fails. A stream that sends nothing (not even the heartbeat) for
 * {@link #QUIET} is given up as broken: a replica that hangs, or a partition that leaves the TCP
 * connection open, is missing as soon as one that died.
 */
final class PeerLink {
  private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
  static final Duration QUIET = Duration.ofSeconds(3);
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final String id;
  private final String address;
  private final String selfId;
  private final Supplier<String> fleetId;
  private final ManagedChannel channel;
  private final ProxyFleet fleet;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  @GuardedBy("this")
  private Follower current;

  @GuardedBy("this")
  private long lastHeardMillis;

  @GuardedBy("this")
  private int failures;

  @GuardedBy("this")
  private boolean closed;

  @GuardedBy("this")
  private boolean reportedDown;

  @GuardedBy("this")
  private ScheduledFuture<?> retry;

  PeerLink(
      String id,
      String address,
      String selfId,
      Supplier<String> fleetId,
      ManagedChannel channel,
      ProxyFleet fleet,
      Clock clock,
      ScheduledExecutorService scheduler) {
    this.id = id;
    this.address = address;
    this.selfId = selfId;
    this.fleetId = fleetId;
    this.channel = channel;
    this.fleet = fleet;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  String address() {
    return address;
  }

  ReplicaServiceGrpc.ReplicaServiceStub stub() {
    return ReplicaServiceGrpc.newStub(channel);
  }

  synchronized PeerLink start() {
    open();
    return this;
  }

  /** Gives up a stream that has been quiet too long; called every second. */
  void check() {
    Follower quiet;
    synchronized (this) {
      if (closed || current == null || clock.millis() - lastHeardMillis < QUIET.toMillis()) {
        return;
      }
      quiet = current;
    }
    quiet.giveUp("sent nothing for " + QUIET.toSeconds() + " s");
  }

  void close() {
    Follower open;
    synchronized (this) {
      closed = true;
      open = current;
      current = null;
      if (retry != null) {
        retry.cancel(false);
      }
    }
    if (open != null) {
      open.cancel();
    }
    channel.shutdownNow();
  }

  @GuardedBy("this")
  private void open() {
    if (closed) {
      return;
    }
    current = new Follower();
    lastHeardMillis = clock.millis();
    stub()
        .follow(
            FollowRequest.newBuilder().setReplicaId(selfId).setFleetId(fleetId.get()).build(),
            current);
  }

  private synchronized void heard(Follower follower, ReplicaUpdate update) {
    if (follower != current) {
      return;
    }
    lastHeardMillis = clock.millis();
    if (update.getSynced()) {
      failures = 0;
      if (reportedDown) {
        log.info("following replica {} at {} again", id, address);
        reportedDown = false;
      } else {
        log.info("following replica {} at {}", id, address);
      }
    }
    fleet.replicaUpdate(id, update);
  }

  private void broke(Follower follower, String reason) {
    synchronized (this) {
      if (follower != current || closed) {
        return;
      }
      current = null;
      Duration wait = backoff(failures++);
      if (!reportedDown) {
        // Once per outage, not per retry.
        log.warn(
            "replica {} at {} is missing: {}; its proxies are not counted until it is "
                + "followed again (retrying every {} s at most)",
            id,
            address,
            reason,
            MAX_RETRY.toSeconds());
        reportedDown = true;
      }
      retry = scheduler.schedule(this::reopen, wait.toMillis(), TimeUnit.MILLISECONDS);
    }
    fleet.replicaLost(id, reason);
  }

  private synchronized void reopen() {
    if (current == null) {
      open();
    }
  }

  private static Duration backoff(int failures) {
    long millis = FIRST_RETRY.toMillis() << Math.min(failures, 4);
    return Duration.ofMillis(Math.min(millis, MAX_RETRY.toMillis()));
  }

  /** One Follow stream. */
  private final class Follower implements ClientResponseObserver<FollowRequest, ReplicaUpdate> {
    private volatile ClientCallStreamObserver<FollowRequest> call;
    private volatile String givenUpFor;

    @Override
    public void beforeStart(ClientCallStreamObserver<FollowRequest> requestStream) {
      call = requestStream;
    }

    @Override
    public void onNext(ReplicaUpdate update) {
      heard(this, update);
    }

    @Override
    public void onError(Throwable t) {
      String reason = givenUpFor;
      if (reason == null) {
        Status status = Status.fromThrowable(t);
        reason =
            status.getCode() == Status.Code.UNAVAILABLE
                ? "unreachable (" + describe(status) + ")"
                : describe(status);
      }
      broke(this, reason);
    }

    @Override
    public void onCompleted() {
      broke(this, "it ended the stream (shutting down?)");
    }

    void giveUp(String reason) {
      givenUpFor = reason;
      cancel();
    }

    void cancel() {
      ClientCallStreamObserver<FollowRequest> c = call;
      if (c != null) {
        c.cancel(givenUpFor != null ? givenUpFor : "link closed", null);
      }
    }
  }

  private static String describe(Status status) {
    return status.getDescription() != null
        ? status.getCode() + ": " + status.getDescription()
        : status.getCode().toString();
  }
}
