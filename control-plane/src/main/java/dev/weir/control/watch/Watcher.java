package dev.weir.control.watch;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.FleetEvent;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code Watch} call: a queue of at most {@code limit} events, sent as fast as the watcher
 * reads them. When the queue is full the oldest event goes, and the next event sent carries how
 * many went, so a slow reader costs the control plane a bounded amount of memory and nothing else.
 *
 * <p>Sends happen on the delivery executor, never on the publisher's thread, and at most one
 * delivery task per watcher runs at a time, which keeps the events in the order they were offered.
 */
final class Watcher {
  private static final Logger log = LoggerFactory.getLogger(Watcher.class);

  private final ServerCallStreamObserver<FleetEvent> stream;
  private final Set<String> pools;
  private final int limit;
  private final Executor delivery;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final ArrayDeque<FleetEvent> queue = new ArrayDeque<>();

  // Events dropped since the last one sent.
  @GuardedBy("lock")
  private long missed;

  // True while a delivery task is queued or running; others leave the sending to it.
  @GuardedBy("lock")
  private boolean delivering;

  // How the stream should end once the task gets to it; null while it stays open.
  @GuardedBy("lock")
  private Status ending;

  @GuardedBy("lock")
  private boolean ended;

  /**
   * Must be built inside the service method, before gRPC freezes the stream's handlers.
   *
   * @param pools the pools the watcher follows; empty for everything
   */
  Watcher(
      ServerCallStreamObserver<FleetEvent> stream,
      Set<String> pools,
      int limit,
      Executor delivery,
      Consumer<Watcher> onCancel) {
    this.stream = stream;
    this.pools = Set.copyOf(pools);
    this.limit = limit;
    this.delivery = delivery;
    stream.setOnReadyHandler(this::schedule);
    // A client that stops watching cancels: the normal end of a watch, not worth a log line.
    stream.setOnCancelHandler(
        () -> {
          cancelled();
          onCancel.accept(this);
        });
  }

  /**
   * Whether the watcher follows an event about {@code eventPools}: null for an event about the
   * whole configuration (every watcher gets it), empty for one about no pool in particular.
   */
  boolean follows(Set<String> eventPools) {
    if (pools.isEmpty() || eventPools == null) {
      return true;
    }
    for (String pool : eventPools) {
      if (pools.contains(pool)) {
        return true;
      }
    }
    return false;
  }

  void offer(FleetEvent event) {
    synchronized (lock) {
      if (ended || ending != null) {
        return;
      }
      if (queue.size() >= limit) {
        queue.pollFirst();
        missed++;
      }
      queue.addLast(event);
    }
    schedule();
  }

  /** Ends the stream with {@code status} after any send in progress; queued events are dropped. */
  void end(Status status) {
    synchronized (lock) {
      if (ended || ending != null) {
        return;
      }
      ending = status;
      queue.clear();
    }
    schedule();
  }

  /** The client went away (or its deadline passed): nothing more is sent. */
  private void cancelled() {
    synchronized (lock) {
      ended = true;
      queue.clear();
    }
  }

  private void schedule() {
    synchronized (lock) {
      if (delivering || ended) {
        return;
      }
      delivering = true;
    }
    try {
      delivery.execute(this::deliver);
    } catch (RejectedExecutionException e) {
      // The control plane is shutting down; the server ends the call.
      synchronized (lock) {
        delivering = false;
        ended = true;
        queue.clear();
      }
    }
  }

  private void deliver() {
    while (true) {
      FleetEvent next;
      Status end = null;
      synchronized (lock) {
        if (ended) {
          delivering = false;
          return;
        }
        if (ending != null) {
          end = ending;
          ended = true;
          next = null;
        } else if (!queue.isEmpty() && stream.isReady()) {
          next = queue.pollFirst();
          if (missed > 0) {
            next = next.toBuilder().setMissed(missed).build();
            missed = 0;
          }
        } else {
          // The ready handler schedules the next round.
          delivering = false;
          return;
        }
      }
      try {
        if (end == null) {
          stream.onNext(next);
        } else if (end.isOk()) {
          stream.onCompleted();
        } else {
          stream.onError(end.asRuntimeException());
        }
      } catch (RuntimeException e) {
        log.warn("watch stream failed while sending; ending it", e);
        cancelled();
      }
    }
  }
}
