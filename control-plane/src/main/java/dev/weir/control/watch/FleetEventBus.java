package dev.weir.control.watch;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.WatchRequest;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.pool.ConfigListener;
import dev.weir.control.pool.ConfigRules;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The fleet's events, from every part of the control plane that publishes them to every {@code
 * AdminService.Watch} call that follows them. Each watcher has its own bounded queue (see {@link
 * Watcher}); publishing only appends to those queues, so it never waits for a watcher.
 *
 * <p>Register it as a {@link ConfigListener} of the pool registry, so it can tell which pools a
 * revision touched.
 */
public final class FleetEventBus implements FleetEventSink, ConfigListener, AutoCloseable {
  /** Events queued per watcher before the oldest are dropped. */
  public static final int DEFAULT_QUEUE_LIMIT = 1024;

  /** Watch calls served at once; each may hold a full queue. */
  public static final int MAX_WATCHERS = 1000;

  static final int MAX_WATCHED_POOLS = 1000;

  private final Clock clock;
  private final Executor delivery;
  private final ExecutorService ownedDelivery;
  private final int queueLimit;
  private final RevisionPools revisionPools = new RevisionPools();
  private final Set<Watcher> watchers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A bus with its own delivery thread, closed by {@link #close}. */
  public FleetEventBus(Clock clock) {
    this(clock, null, DEFAULT_QUEUE_LIMIT);
  }

  /**
   * @param delivery runs the sends to watchers; null for a thread of the bus's own
   * @param queueLimit events kept per watcher that reads too slowly
   */
  public FleetEventBus(Clock clock, Executor delivery, int queueLimit) {
    if (queueLimit < 1) {
      throw new IllegalArgumentException("queueLimit must be at least 1, got " + queueLimit);
    }
    this.clock = clock;
    this.queueLimit = queueLimit;
    if (delivery == null) {
      ownedDelivery =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "weir-watch-delivery");
                t.setDaemon(true);
                return t;
              });
      this.delivery = ownedDelivery;
    } else {
      ownedDelivery = null;
      this.delivery = delivery;
    }
  }

  /** Queues {@code event} for every watcher that follows it; stamps the time if it has none. */
  @Override
  public void publish(FleetEvent event) {
    if (watchers.isEmpty()) {
      return;
    }
    FleetEvent stamped =
        event.hasTime()
            ? event
            : event.toBuilder().setTime(Timestamps.fromMillis(clock.millis())).build();
    Set<String> pools = poolsOf(stamped);
    for (Watcher watcher : watchers) {
      if (watcher.follows(pools)) {
        watcher.offer(stamped);
      }
    }
  }

  @Override
  public void configChanged(ConfigSnapshot snapshot) {
    revisionPools.record(snapshot);
  }

  /** {@code AdminService.Watch}: follows the events until the client cancels. */
  public void watch(WatchRequest request, StreamObserver<FleetEvent> response) {
    Set<String> pools;
    try {
      pools = pools(request);
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    if (closed) {
      response.onError(
          Status.UNAVAILABLE
              .withDescription("control plane is shutting down")
              .asRuntimeException());
      return;
    }
    if (watchers.size() >= MAX_WATCHERS) {
      response.onError(
          Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "this control plane already serves "
                      + MAX_WATCHERS
                      + " watchers; try again later")
              .asRuntimeException());
      return;
    }
    ServerCallStreamObserver<FleetEvent> stream = (ServerCallStreamObserver<FleetEvent>) response;
    Watcher watcher = new Watcher(stream, pools, queueLimit, delivery, watchers::remove);
    watchers.add(watcher);
    if (closed) {
      // close() ran between the check above and the add, and so did not see this watcher.
      watchers.remove(watcher);
      watcher.end(shuttingDown());
    }
  }

  /** Watch calls open now. */
  public int watchers() {
    return watchers.size();
  }

  /** Ends every watch with UNAVAILABLE and refuses new ones. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Watcher watcher : watchers) {
      watcher.end(shuttingDown());
    }
    watchers.clear();
    if (ownedDelivery != null) {
      ownedDelivery.shutdown();
      try {
        // Long enough for the endings just queued to go out.
        ownedDelivery.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ownedDelivery.shutdownNow();
    }
  }

  /**
   * The pools an event is about: null for one every watcher gets (a revision whose pools are not
   * known), empty for one about no pool in particular (a proxy's stream or config).
   */
  private Set<String> poolsOf(FleetEvent event) {
    switch (event.getKindCase()) {
      case REVISION:
        return revisionPools.touched(event.getRevision());
      case HEALTH:
        return Set.of(event.getHealth().getPool());
      case DRAIN:
        return Set.of(event.getDrain().getPool());
      default:
        return Set.of();
    }
  }

  private static Set<String> pools(WatchRequest request) {
    if (request.getPoolsCount() > MAX_WATCHED_POOLS) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "pools must name at most "
                  + MAX_WATCHED_POOLS
                  + " pools, got "
                  + request.getPoolsCount())
          .asRuntimeException();
    }
    Set<String> pools = new LinkedHashSet<>();
    for (String pool : request.getPoolsList()) {
      // A pool that does not exist yet may still be watched: it may be created later.
      pools.add(ConfigRules.poolName(pool));
    }
    return pools;
  }

  private static Status shuttingDown() {
    return Status.UNAVAILABLE.withDescription("control plane is shutting down");
  }
}
