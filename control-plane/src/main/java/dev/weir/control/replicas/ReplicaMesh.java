package dev.weir.control.replicas;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.control.fleet.PeerQueries;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.ha.Membership;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's links to every other replica of the fleet, as the {@link Membership} tells them: a
 * {@link PeerLink} following each one, and one round trip to a replica for a question only it can
 * answer (its proxies' connections). Ticks every second: heartbeats to this replica's own
 * followers, quiet links given up, departed replicas let go.
 */
public final class ReplicaMesh implements Membership.Listener, PeerQueries, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaMesh.class);
  static final Duration TICK = Duration.ofSeconds(1);

  /**
   * A replica asks its own proxies with {@link ProxyFleet#DEFAULT_REQUEST_TIMEOUT}; this leaves
   * room for the hop.
   */
  static final Duration QUERY_DEADLINE = ProxyFleet.DEFAULT_REQUEST_TIMEOUT.plusSeconds(1);

  private final String selfId;
  private final ProxyFleet fleet;
  private final ReplicaFeed feed;
  private final ChannelCredentials credentials;
  private final Supplier<String> fleetId;
  private final Clock clock;
  private final int maxMessageBytes;
  private final ScheduledExecutorService scheduler;
  private final Map<String, PeerLink> links = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * @param maxReportBytes the largest stats report a proxy may send; an update carries one report
   *     past {@link ReplicaFeed#UPDATE_BYTES} at most
   */
  public ReplicaMesh(
      String selfId,
      ProxyFleet fleet,
      ReplicaFeed feed,
      ChannelCredentials credentials,
      Supplier<String> fleetId,
      Clock clock,
      int maxReportBytes) {
    this.selfId = selfId;
    this.fleet = fleet;
    this.feed = feed;
    this.credentials = credentials;
    this.fleetId = fleetId;
    this.clock = clock;
    // With room for the info beside that report, and for events.
    this.maxMessageBytes = 2 * ReplicaFeed.UPDATE_BYTES + maxReportBytes;
    ScheduledThreadPoolExecutor timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = Executors.defaultThreadFactory().newThread(r);
              t.setName("weir-replica-links");
              t.setDaemon(true);
              return t;
            });
    timers.setRemoveOnCancelPolicy(true);
    this.scheduler = timers;
  }

  /** Starts ticking; the membership then tells of the replicas to follow. */
  public ReplicaMesh start() {
    scheduler.scheduleWithFixedDelay(
        this::tick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    fleet.peerQueries(this);
    return this;
  }

  @Override
  public void joined(String replicaId, String address) {
    if (replicaId.equals(selfId) || closed) {
      return;
    }
    fleet.replicaJoined(replicaId, address);
    PeerLink existing = links.get(replicaId);
    if (existing != null && existing.address().equals(address)) {
      return;
    }
    if (existing != null) {
      // A new process at a new address: what the old link said is no longer known.
      existing.close();
      fleet.replicaLost(replicaId, "it moved to " + address);
    }
    log.info("replica {} at {} joined the fleet; following it", replicaId, address);
    ManagedChannel channel =
        Grpc.newChannelBuilder(address, credentials).maxInboundMessageSize(maxMessageBytes).build();
    links.put(
        replicaId,
        new PeerLink(replicaId, address, selfId, fleetId, channel, fleet, clock, scheduler)
            .start());
  }

  @Override
  public void left(String replicaId) {
    if (replicaId.equals(selfId)) {
      return;
    }
    PeerLink link = links.remove(replicaId);
    if (link != null) {
      link.close();
      log.info("replica {} left the fleet", replicaId);
    }
    fleet.replicaLeft(replicaId);
  }

  @Override
  public CompletableFuture<ListConnectionsResponse> listConnections(
      String replicaId, ListConnectionsRequest request) {
    PeerLink link = links.get(replicaId);
    if (link == null) {
      return unlinked(replicaId);
    }
    CompletableFuture<ListConnectionsResponse> answer = new CompletableFuture<>();
    link.stub()
        .withDeadlineAfter(QUERY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .listLocalConnections(request, into(answer));
    return answer;
  }

  @Override
  public CompletableFuture<CloseConnectionResponse> closeConnection(
      String replicaId, CloseConnectionRequest request) {
    PeerLink link = links.get(replicaId);
    if (link == null) {
      return unlinked(replicaId);
    }
    CompletableFuture<CloseConnectionResponse> answer = new CompletableFuture<>();
    link.stub()
        .withDeadlineAfter(QUERY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .closeLocalConnection(request, into(answer));
    return answer;
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    for (PeerLink link : links.values()) {
      link.close();
    }
    links.clear();
    feed.close();
  }

  private void tick() {
    try {
      feed.heartbeat();
      for (PeerLink link : links.values()) {
        link.check();
      }
      fleet.tickReplicas();
    } catch (RuntimeException e) {
      log.error("replica links: tick failed", e);
    }
  }

  private static <T> CompletableFuture<T> unlinked(String replicaId) {
    return CompletableFuture.failedFuture(
        Status.UNAVAILABLE
            .withDescription("replica " + replicaId + " is not followed")
            .asRuntimeException());
  }

  private static <T> StreamObserver<T> into(CompletableFuture<T> answer) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        answer.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        answer.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!answer.isDone()) {
          answer.completeExceptionally(
              Status.INTERNAL.withDescription("the replica answered nothing").asRuntimeException());
        }
      }
    };
  }
}
