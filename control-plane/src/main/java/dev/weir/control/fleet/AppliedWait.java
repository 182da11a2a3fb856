package dev.weir.control.fleet;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@code WaitForApplied} call. It holds no thread while it waits: the answer is sent by
 * whichever comes first of the apply that completes the version everywhere (on that proxy's stream
 * thread), the timeout (on the scheduler), or nothing at all if the caller cancels.
 */
final class AppliedWait {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private final long version;
  private final ApplyProgress progress;
  private final ProxyDirectory directory;
  private final OtherReplicas others;
  private final Clock clock;
  private final StreamObserver<WaitForAppliedResponse> response;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Runnable stopWaiting = () -> {};
  private volatile ScheduledFuture<?> timer;

  private AppliedWait(
      long version,
      ApplyProgress progress,
      ProxyDirectory directory,
      OtherReplicas others,
      Clock clock,
      StreamObserver<WaitForAppliedResponse> response) {
    this.version = version;
    this.progress = progress;
    this.directory = directory;
    this.others = others;
    this.clock = clock;
    this.response = response;
  }

  /**
   * Validates the request and starts waiting; answers INVALID_ARGUMENT (naming the field) at once
   * for a bad one.
   *
   * @param newestVersion the newest config version, the highest one can wait for
   */
  static void start(
      WaitForAppliedRequest request,
      StreamObserver<WaitForAppliedResponse> response,
      long newestVersion,
      ApplyProgress progress,
      ProxyDirectory directory,
      OtherReplicas others,
      ScheduledExecutorService scheduler,
      Clock clock) {
    String problem = problem(request, newestVersion);
    if (problem != null) {
      response.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
      return;
    }
    AppliedWait wait =
        new AppliedWait(request.getConfigVersion(), progress, directory, others, clock, response);
    if (response instanceof ServerCallStreamObserver<WaitForAppliedResponse> call) {
      // Also makes gRPC drop, rather than throw on, an answer sent after cancellation.
      call.setOnCancelHandler(wait::cancelled);
    }
    wait.stopWaiting = progress.await(wait.version, () -> wait.finish());
    if (wait.finished.get()) {
      return;
    }
    Duration timeout = timeout(request);
    try {
      wait.timer = scheduler.schedule(wait::finish, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      wait.finish();
      return;
    }
    if (wait.finished.get()) {
      wait.timer.cancel(false);
    }
  }

  // Answers with the fleet as it is now: complete if the version is in force everywhere, which
  // may also be true when the timer won a race with the last apply.
  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    stop();
    Instant now = clock.instant();
    boolean complete = progress.inForceEverywhere(version);
    Instant acceptedAt = progress.acceptedAt(version);
    Instant everywhereAt = progress.everywhereAt(version);
    Instant end = complete && everywhereAt != null ? everywhereAt : now;
    Duration elapsed =
        acceptedAt == null || end.isBefore(acceptedAt)
            ? Duration.ZERO
            : Duration.between(acceptedAt, end);
    // Every proxy once, this replica's and the others' (the others' may name a proxy that has
    // just moved here; the stream here is the one it uses).
    List<ProxyApplyStatus> proxies = new ArrayList<>(directory.applyStatuses(version, acceptedAt));
    Set<String> here = new HashSet<>();
    proxies.forEach(p -> here.add(p.getProxyId()));
    for (ProxyApplyStatus other : others.applyStatuses(version)) {
      if (here.add(other.getProxyId())) {
        proxies.add(other);
      }
    }
    proxies.sort(Comparator.comparing(ProxyApplyStatus::getProxyId));
    FleetCoverage coverage = others.coverage();
    response.onNext(
        WaitForAppliedResponse.newBuilder()
            // A missing replica holds the progress back already; this is for a race with its
            // return.
            .setComplete(complete && coverage.getMissingCount() == 0)
            .setElapsed(Durations.fromNanos(elapsed.toNanos()))
            .addAllProxies(proxies)
            .setCoverage(coverage)
            .build());
    response.onCompleted();
  }

  private void cancelled() {
    if (finished.compareAndSet(false, true)) {
      stop();
    }
  }

  private void stop() {
    stopWaiting.run();
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }

  private static String problem(WaitForAppliedRequest request, long newestVersion) {
    long version = request.getConfigVersion();
    if (version == 0 || version > newestVersion) {
      return newestVersion == 0
          ? "config_version "
              + Long.toUnsignedString(version)
              + " does not exist: no configuration has been committed yet"
          : "config_version must be 1.."
              + newestVersion
              + " (the newest), got "
              + Long.toUnsignedString(version);
    }
    if (request.hasTimeout()) {
      com.google.protobuf.Duration timeout = request.getTimeout();
      if (!Durations.isValid(timeout)) {
        return "timeout is not a valid duration: seconds "
            + timeout.getSeconds()
            + ", nanos "
            + timeout.getNanos();
      }
      if (Durations.isNegative(timeout)
          || Durations.compare(timeout, Durations.fromMinutes(MAX_TIMEOUT.toMinutes())) > 0) {
        return "timeout must be 0..10m (0 or unset: 30s), got " + Durations.toString(timeout);
      }
    }
    return null;
  }

  private static Duration timeout(WaitForAppliedRequest request) {
    long nanos = request.hasTimeout() ? Durations.toNanos(request.getTimeout()) : 0;
    return nanos == 0 ? DEFAULT_TIMEOUT : Duration.ofNanos(nanos);
  }
}
