package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends snapshots down one proxy stream without ever queueing more than one.
 *
 * <p>At most one snapshot is in flight: a snapshot goes out at once when the proxy has answered
 * (ACK or NACK) the previous one, and otherwise waits for that answer, or for the answer timeout in
 * case an answer was lost. While one waits, a newer snapshot replaces it, since each snapshot is
 * the whole configuration. So an isolated change costs no extra latency, and a burst of changes
 * reaches a slow proxy as one or two snapshots rather than a queue of them. The same holds while
 * the stream is not ready (the proxy or the network is slow): the snapshot left waiting is sent
 * when gRPC calls the ready handler.
 *
 * <p>Operators' requests to the proxy (list or close connections) go down the same stream, so they
 * are queued here and sent by the same loop, ahead of any waiting snapshot; the session bounds how
 * many may be outstanding.
 *
 * <p>Whichever thread finds the stream idle does the sending, so calls on the stream are serialized
 * without holding a lock across them.
 */
final class SnapshotPusher {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPusher.class);

  private final ServerCallStreamObserver<ControlMessage> stream;
  private final UnaryOperator<ConfigSnapshot> stamp;
  private final ScheduledExecutorService scheduler;
  private final Duration answerTimeout;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private long newestVersion = -1;

  @GuardedBy("lock")
  private ConfigSnapshot pending;

  @GuardedBy("lock")
  private final ArrayDeque<ControlMessage> requests = new ArrayDeque<>();

  // The nonce of the snapshot sent and not answered yet, and the timer that stops waiting for it.
  @GuardedBy("lock")
  private String inFlight;

  @GuardedBy("lock")
  private ScheduledFuture<?> inFlightTimeout;

  // How the stream should end: an error status, OK to complete it, null to keep it open.
  @GuardedBy("lock")
  private Status ending;

  // True while one thread is calling the stream; others leave their work for it.
  @GuardedBy("lock")
  private boolean busy;

  @GuardedBy("lock")
  private boolean ended;

  /**
   * Must be built inside the service method, before gRPC freezes the stream's handlers.
   *
   * @param stamp turns a snapshot into the one to send (fresh nonce) and records the send; runs
   *     just before each send
   * @param scheduler runs the answer timeouts
   * @param answerTimeout how long a sent snapshot may go unanswered before the next may be sent
   */
  SnapshotPusher(
      ServerCallStreamObserver<ControlMessage> stream,
      UnaryOperator<ConfigSnapshot> stamp,
      ScheduledExecutorService scheduler,
      Duration answerTimeout) {
    this.stream = stream;
    this.stamp = stamp;
    this.scheduler = scheduler;
    this.answerTimeout = answerTimeout;
    stream.setOnReadyHandler(this::drain);
    // With a cancel handler set, gRPC ignores sends after cancellation instead of throwing.
    stream.setOnCancelHandler(this::cancelled);
  }

  /** Sends {@code snapshot} unless a version at least as new was already offered. */
  void offer(ConfigSnapshot snapshot) {
    synchronized (lock) {
      if (ended || ending != null || snapshot.getVersion() <= newestVersion) {
        return;
      }
      newestVersion = snapshot.getVersion();
      pending = snapshot;
    }
    drain();
  }

  /**
   * Sends a request (not a snapshot) as soon as the stream is ready.
   *
   * @return false if the stream is ending or ended, so the request will never go
   */
  boolean send(ControlMessage request) {
    synchronized (lock) {
      if (ended || ending != null) {
        return false;
      }
      requests.add(request);
    }
    drain();
    return true;
  }

  /** Ends the stream with {@code status} (OK completes it) once any send in progress is done. */
  void end(Status status) {
    synchronized (lock) {
      if (ended || ending != null) {
        return;
      }
      ending = status;
      pending = null;
      requests.clear();
    }
    drain();
  }

  /**
   * The proxy answered the send with {@code nonce} (ACK or NACK), so the next snapshot may go.
   * Answers to anything but the send in flight change nothing.
   */
  void answered(String nonce) {
    ScheduledFuture<?> timeout;
    synchronized (lock) {
      if (inFlight == null || !inFlight.equals(nonce)) {
        return;
      }
      inFlight = null;
      timeout = inFlightTimeout;
      inFlightTimeout = null;
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    drain();
  }

  /** The proxy went away; the stream must not be touched again. */
  void cancelled() {
    ScheduledFuture<?> timeout;
    synchronized (lock) {
      ended = true;
      pending = null;
      requests.clear();
      inFlight = null;
      timeout = inFlightTimeout;
      inFlightTimeout = null;
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
  }

  private void answerTimedOut(String nonce) {
    synchronized (lock) {
      if (inFlight == null || !inFlight.equals(nonce)) {
        return;
      }
      inFlight = null;
      inFlightTimeout = null;
      if (pending != null) {
        log.debug(
            "no answer to snapshot {} within {} ms; sending version {}",
            nonce,
            answerTimeout.toMillis(),
            pending.getVersion());
      }
    }
    drain();
  }

  private void drain() {
    while (true) {
      ConfigSnapshot next = null;
      ControlMessage request = null;
      Status end;
      synchronized (lock) {
        if (busy || ended) {
          return;
        }
        end = ending;
        if (end != null) {
          ended = true;
        } else if (!requests.isEmpty() && stream.isReady()) {
          request = requests.poll();
        } else if (pending != null && inFlight == null && stream.isReady()) {
          next = pending;
          pending = null;
        } else {
          return;
        }
        busy = true;
      }
      try {
        if (request != null) {
          stream.onNext(request);
        } else if (end == null) {
          ConfigSnapshot stamped = stamp.apply(next);
          // Before the send: the answer may arrive before onNext returns.
          awaitAnswer(stamped.getNonce());
          stream.onNext(ControlMessage.newBuilder().setSnapshot(stamped).build());
        } else if (end.isOk()) {
          stream.onCompleted();
        } else {
          stream.onError(end.asRuntimeException());
        }
      } catch (RuntimeException e) {
        log.error("proxy stream failed while sending; closing it", e);
        cancelled();
        closeQuietly(Status.INTERNAL.withDescription("control plane failed to send").withCause(e));
      } finally {
        synchronized (lock) {
          busy = false;
        }
      }
    }
  }

  private void awaitAnswer(String nonce) {
    ScheduledFuture<?> timeout;
    try {
      timeout =
          scheduler.schedule(
              () -> answerTimedOut(nonce), answerTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      timeout = null;
    }
    synchronized (lock) {
      if (ended) {
        if (timeout != null) {
          timeout.cancel(false);
        }
        return;
      }
      inFlight = nonce;
      inFlightTimeout = timeout;
    }
  }

  private void closeQuietly(Status status) {
    try {
      stream.onError(status.asRuntimeException());
    } catch (RuntimeException alreadyClosed) {
      log.debug("stream already closed", alreadyClosed);
    }
  }
}
