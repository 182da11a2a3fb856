package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.ProxyMessage;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Requests the control plane sent down one proxy stream and awaits answers to, by request id. Each
 * answer completes its request's future; a request not answered within its timeout fails with
 * DEADLINE_EXCEEDED (an older proxy ignores kinds it does not know, so it never answers), and when
 * the stream ends every outstanding one fails with UNAVAILABLE. At most {@link #MAX_OUTSTANDING}
 * may be outstanding, so a proxy that never answers holds no more.
 */
final class ProxyRequests {
  static final int MAX_OUTSTANDING = 64;

  private final ScheduledExecutorService scheduler;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<Long, Pending> pending = new HashMap<>();

  @GuardedBy("lock")
  private long nextId = 1;

  @GuardedBy("lock")
  private String endedWhy;

  ProxyRequests(ScheduledExecutorService scheduler) {
    this.scheduler = scheduler;
  }

  private record Pending(
      CompletableFuture<ProxyMessage> answer,
      Predicate<ProxyMessage> fits,
      ScheduledFuture<?> timeout) {}

  /**
   * Registers a request and sends it with {@code send}, which builds the message from the request
   * id and returns false if the stream will not carry it.
   *
   * @param fits whether an answer carrying the request's id is of the right kind
   * @param proxyId for error descriptions
   */
  CompletableFuture<ProxyMessage> ask(
      String proxyId, Duration timeout, Predicate<ProxyMessage> fits, LongFunction<Boolean> send) {
    CompletableFuture<ProxyMessage> answer = new CompletableFuture<>();
    long id;
    synchronized (lock) {
      if (endedWhy != null) {
        return CompletableFuture.failedFuture(
            Status.UNAVAILABLE
                .withDescription("proxy " + proxyId + " " + endedWhy)
                .asRuntimeException());
      }
      if (pending.size() >= MAX_OUTSTANDING) {
        return CompletableFuture.failedFuture(
            Status.RESOURCE_EXHAUSTED
                .withDescription(
                    "proxy "
                        + proxyId
                        + " already has "
                        + MAX_OUTSTANDING
                        + " requests unanswered; "
                        + "retry later")
                .asRuntimeException());
      }
      id = nextId++;
      ScheduledFuture<?> timer;
      try {
        long requestId = id;
        timer =
            scheduler.schedule(
                () ->
                    fail(
                        requestId,
                        Status.DEADLINE_EXCEEDED.withDescription(
                            "proxy "
                                + proxyId
                                + " did not answer within "
                                + timeout.toMillis()
                                + " ms")),
                timeout.toNanos(),
                TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException shuttingDown) {
        return CompletableFuture.failedFuture(
            Status.UNAVAILABLE
                .withDescription("control plane is shutting down")
                .asRuntimeException());
      }
      pending.put(id, new Pending(answer, fits, timer));
    }
    if (!send.apply(id)) {
      fail(id, Status.UNAVAILABLE.withDescription("proxy " + proxyId + " is disconnecting"));
    }
    return answer;
  }

  /**
   * Completes the request {@code requestId} with {@code message}.
   *
   * @return false if no request of that id and kind is outstanding (late, or made up)
   */
  boolean answer(long requestId, ProxyMessage message) {
    Pending p;
    synchronized (lock) {
      p = pending.get(requestId);
      if (p == null || !p.fits().test(message)) {
        return false;
      }
      pending.remove(requestId);
    }
    p.timeout().cancel(false);
    p.answer().complete(message);
    return true;
  }

  /** The stream ended: fails every outstanding request, and refuses new ones. */
  void end(String why) {
    List<Pending> failed;
    synchronized (lock) {
      if (endedWhy != null) {
        return;
      }
      endedWhy = why;
      failed = new ArrayList<>(pending.values());
      pending.clear();
    }
    for (Pending p : failed) {
      p.timeout().cancel(false);
      p.answer()
          .completeExceptionally(
              Status.UNAVAILABLE
                  .withDescription("the proxy's stream ended before it answered")
                  .asRuntimeException());
    }
  }

  private void fail(long requestId, Status status) {
    Pending p;
    synchronized (lock) {
      p = pending.remove(requestId);
    }
    if (p != null) {
      p.timeout().cancel(false);
      p.answer().completeExceptionally(status.asRuntimeException());
    }
  }
}
