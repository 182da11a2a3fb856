package dev.weir.control.replicas;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.RemoteProxy;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.fleet.FleetListener;
import dev.weir.control.fleet.ProxyFleet;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this replica tells the replicas that follow it: its own proxies' state and events.
 *
 * <p>Each follower has a set of proxies whose state changed since it was last sent, not a queue of
 * changes: a proxy reporting every second while the follower reads slowly costs one entry, and what
 * is sent is the proxy's state at the moment of sending. Events (ProxyEvents, for watchers there)
 * queue up to {@link #EVENT_LIMIT}, then the oldest go and the next update counts them. Sends
 * follow gRPC's flow control: nothing is written while the stream is not ready.
 *
 * <p>A change is sent {@link #BATCH} after it happens, with whatever else changed meanwhile: a
 * config push makes every proxy here ACK and apply within milliseconds, and one update carrying
 * them all costs the followers one message instead of one per proxy and answer.
 */
public final class ReplicaFeed implements FleetListener, FleetEventSink {
  private static final Logger log = LoggerFactory.getLogger(ReplicaFeed.class);
  static final int EVENT_LIMIT = 1024;
  // An update is cut after the proxy that takes it past this size, so a message stays far below
  // the receiver's 8 MiB limit even with the largest reports.
  static final int UPDATE_BYTES = 1 << 20;
  static final Duration HEARTBEAT = Duration.ofSeconds(1);
  static final Duration BATCH = Duration.ofMillis(5);

  private final ProxyFleet fleet;
  private final Clock clock;
  private final ScheduledExecutorService batches;
  private final Set<Follower> followers = ConcurrentHashMap.newKeySet();

  public ReplicaFeed(ProxyFleet fleet, Clock clock) {
    this.fleet = fleet;
    this.clock = clock;
    this.batches =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "weir-replica-feed");
              t.setDaemon(true);
              return t;
            });
    fleet.addListener(this);
    fleet.addLocalEventSink(this);
  }

  /** Starts feeding a follower: all proxies first, then changes. */
  void follow(String followerId, ServerCallStreamObserver<ReplicaUpdate> call) {
    Set<String> all = new LinkedHashSet<>();
    for (ProxyInfo info : fleet.localProxies()) {
      all.add(info.getId());
    }
    Follower follower = new Follower(followerId, call, all);
    followers.add(follower);
    call.setOnCancelHandler(
        () -> {
          followers.remove(follower);
          log.info("replica {} stopped following this replica", followerId);
        });
    call.setOnReadyHandler(follower::flush);
    log.info("replica {} follows this replica ({} proxies)", followerId, all.size());
    follower.flush();
  }

  /** Sends a heartbeat to followers that have had nothing for a while; every second. */
  void heartbeat() {
    long now = clock.millis();
    for (Follower follower : followers) {
      follower.heartbeat(now);
    }
  }

  /** Ends every follower's stream, for shutdown. */
  void close() {
    for (Follower follower : followers) {
      follower.end();
    }
    followers.clear();
    batches.shutdownNow();
  }

  int followers() {
    return followers.size();
  }

  @Override
  public void publish(FleetEvent event) {
    for (Follower follower : followers) {
      follower.event(event);
    }
  }

  @Override
  public void proxyConnected(String proxyId) {
    changed(proxyId);
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    changed(proxyId);
  }

  @Override
  public void snapshotAcked(String proxyId, long version, Duration sinceSent) {
    changed(proxyId);
  }

  @Override
  public void snapshotApplied(String proxyId, long version, Duration pushLatency) {
    changed(proxyId);
  }

  @Override
  public void poolFailed(String proxyId, long version, PoolApplyFailure failure) {
    changed(proxyId);
  }

  @Override
  public void poolRecovered(String proxyId, long version, PoolApplyFailure pool) {
    changed(proxyId);
  }

  @Override
  public void snapshotNacked(String proxyId, long version, String reason) {
    changed(proxyId);
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    changed(proxyId);
  }

  private void changed(String proxyId) {
    for (Follower follower : followers) {
      follower.changed(proxyId);
    }
  }

  private final class Follower {
    private final String id;
    private final ServerCallStreamObserver<ReplicaUpdate> call;

    @GuardedBy("this")
    private final LinkedHashSet<String> dirty;

    // The first full list still to send; synced goes with the update that empties it.
    @GuardedBy("this")
    private final Set<String> unsent;

    @GuardedBy("this")
    private boolean syncedSent;

    @GuardedBy("this")
    private final ArrayDeque<FleetEvent> events = new ArrayDeque<>();

    @GuardedBy("this")
    private long missedEvents;

    @GuardedBy("this")
    private long lastSentMillis;

    @GuardedBy("this")
    private boolean ended;

    @GuardedBy("this")
    private boolean batchDue;

    Follower(String id, ServerCallStreamObserver<ReplicaUpdate> call, Set<String> all) {
      this.id = id;
      this.call = call;
      this.dirty = new LinkedHashSet<>(all);
      this.unsent = new HashSet<>(all);
    }

    synchronized void changed(String proxyId) {
      if (dirty.add(proxyId)) {
        later();
      }
    }

    synchronized void event(FleetEvent event) {
      if (events.size() >= EVENT_LIMIT) {
        events.pollFirst();
        missedEvents++;
      }
      events.addLast(event);
      later();
    }

    @GuardedBy("this")
    private void later() {
      if (batchDue || ended) {
        return;
      }
      batchDue = true;
      try {
        batches.schedule(this::flush, BATCH.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        batchDue = false;
      }
    }

    synchronized void heartbeat(long now) {
      if (now - lastSentMillis >= HEARTBEAT.toMillis()) {
        if (!send(ReplicaUpdate.newBuilder(), true)) {
          return;
        }
      }
      flush();
    }

    synchronized void flush() {
      batchDue = false;
      while (!ended && call.isReady() && (!dirty.isEmpty() || !events.isEmpty() || !syncedSent)) {
        ReplicaUpdate.Builder update = ReplicaUpdate.newBuilder();
        int bytes = 0;
        var ids = dirty.iterator();
        while (ids.hasNext() && bytes < UPDATE_BYTES) {
          String proxyId = ids.next();
          ids.remove();
          unsent.remove(proxyId);
          RemoteProxy proxy = fleet.localProxy(proxyId);
          if (proxy == null) {
            // Forgotten here (past the retention): an info with only the id says so.
            proxy = RemoteProxy.newBuilder().setInfo(ProxyInfo.newBuilder().setId(proxyId)).build();
          }
          bytes += proxy.getSerializedSize();
          update.addProxies(proxy);
        }
        while (!events.isEmpty() && bytes < UPDATE_BYTES) {
          FleetEvent event = events.pollFirst();
          bytes += event.getSerializedSize();
          update.addEvents(event);
        }
        update.setMissedEvents(missedEvents);
        missedEvents = 0;
        if (!syncedSent && unsent.isEmpty()) {
          update.setSynced(true);
          syncedSent = true;
        }
        if (!send(update, false)) {
          return;
        }
      }
    }

    @GuardedBy("this")
    private boolean send(ReplicaUpdate.Builder update, boolean heartbeat) {
      if (ended || (heartbeat && !call.isReady())) {
        return false;
      }
      long now = clock.millis();
      try {
        call.onNext(
            update.setReplicaId(fleet.replicaId()).setSentAt(Timestamps.fromMillis(now)).build());
        lastSentMillis = now;
        return true;
      } catch (RuntimeException e) {
        // Cancelled under us: the cancel handler forgets this follower.
        ended = true;
        return false;
      }
    }

    synchronized void end() {
      if (!ended) {
        ended = true;
        try {
          call.onCompleted();
        } catch (RuntimeException e) {
          // Already cancelled.
        }
      }
    }

    @Override
    public String toString() {
      return id;
    }
  }
}
