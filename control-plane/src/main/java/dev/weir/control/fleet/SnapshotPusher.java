package dev.weir.control.fleet;

import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends snapshots down one proxy stream without ever queueing more than one.
 *
 * <p>While the stream is not ready (the proxy or the network is slow), a newer snapshot replaces
 * the one waiting, since each snapshot is the whole configuration; the one left is sent when gRPC
 * calls the ready handler. Whichever thread finds the stream idle does the sending, so calls on
 * the stream are serialized without holding a lock across them.
 */
final class SnapshotPusher {
  private static final Logger log = LoggerFactory.getLogger(SnapshotPusher.class);

  private final ServerCallStreamObserver<ControlMessage> stream;
  private final UnaryOperator<ConfigSnapshot> stamp;
  private final Object lock = new Object();

  // All fields below are guarded by lock.
  private long newestVersion = -1;
  private ConfigSnapshot pending;
  // How the stream should end: an error status, OK to complete it, null to keep it open.
  private Status ending;
  // True while one thread is calling the stream; others leave their work for it.
  private boolean busy;
  private boolean ended;

  /**
   * Must be built inside the service method, before gRPC freezes the stream's handlers.
   *
   * @param stamp turns a snapshot into the one to send (fresh nonce) and records the send; runs
   *     just before each send
   */
  SnapshotPusher(
      ServerCallStreamObserver<ControlMessage> stream, UnaryOperator<ConfigSnapshot> stamp) {
    this.stream = stream;
    this.stamp = stamp;
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

  /** Ends the stream with {@code status} (OK completes it) once any send in progress is done. */
  void end(Status status) {
    synchronized (lock) {
      if (ended || ending != null) {
        return;
      }
      ending = status;
      pending = null;
    }
    drain();
  }

  /** The proxy went away; the stream must not be touched again. */
  void cancelled() {
    synchronized (lock) {
      ended = true;
      pending = null;
    }
  }

  private void drain() {
    while (true) {
      ConfigSnapshot next = null;
      Status end;
      synchronized (lock) {
        if (busy || ended) {
          return;
        }
        end = ending;
        if (end != null) {
          ended = true;
        } else if (pending != null && stream.isReady()) {
          next = pending;
          pending = null;
        } else {
          return;
        }
        busy = true;
      }
      try {
        if (end == null) {
          stream.onNext(ControlMessage.newBuilder().setSnapshot(stamp.apply(next)).build());
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

  private void closeQuietly(Status status) {
    try {
      stream.onError(status.asRuntimeException());
    } catch (RuntimeException alreadyClosed) {
      log.debug("stream already closed", alreadyClosed);
    }
  }
}
