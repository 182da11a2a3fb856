package dev.weir.cli.backend;

import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.args.Durations;
import dev.weir.cli.change.ProgressLine;
import dev.weir.cli.change.WaitIncompleteException;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.session.Session;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code backend drain --wait}: follows a backend's fleet-wide drain in GetPoolStatus until the
 * control plane reports it DRAINED, showing its remaining connections as they fall.
 */
final class DrainProgress {

  static final Duration POLL_INTERVAL = Duration.ofMillis(500);

  private final Session session;
  private final ProgressLine progress;

  /** {@code quiet}: print nothing (for {@code -o json}); the outcome is the exit code. */
  DrainProgress(Session session, boolean quiet) {
    this.session = session;
    this.progress = ProgressLine.of(session, quiet);
  }

  /**
   * Returns once the backend is drained.
   *
   * @param limit how long to wait at most; null: until it is drained
   * @throws WaitIncompleteException if it still has connections when {@code limit} passes
   */
  void await(String pool, String address, Duration limit) {
    Instant start = session.clock().instant();
    long shown = -1;
    try {
      while (true) {
        BackendStatus backend = poll(pool, address);
        DrainStatus drain = backend.getDrain();
        Duration elapsed = Duration.between(start, session.clock().instant());
        if (drained(backend)) {
          progress.finish(done(elapsed, drain.getCutConnections()));
          return;
        }
        long remaining = remaining(backend);
        String text =
            "draining: " + connections(remaining) + (remaining == 1 ? " remains" : " remain");
        if (remaining != shown) {
          progress.step(text);
          shown = remaining;
        }
        progress.update(text + " (" + elapsed.getSeconds() + "s)");
        if (limit != null && elapsed.compareTo(limit) >= 0) {
          throw new WaitIncompleteException("backend " + address + " in pool " + pool
              + " still has " + connections(remaining) + " open after "
              + Durations.format(limit));
        }
        session.console().sleep(POLL_INTERVAL);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the drain", e);
    } finally {
      progress.clear();
    }
  }

  private BackendStatus poll(String pool, String address) {
    PoolStatus status =
        session.admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName(pool).build());
    BackendStatus backend =
        status.getBackendsList().stream()
            .filter(b -> b.getAddress().equals(address))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "backend " + address + " is no longer in pool " + pool));
    if (backend.getState() != BackendState.DRAINING) {
      throw new IllegalStateException(
          "backend " + address + " in pool " + pool + " is no longer draining");
    }
    return backend;
  }

  // A control plane that does not report drains yet leaves drain unset; its active count is
  // the same figure.
  private static boolean drained(BackendStatus backend) {
    DrainStatus.State state = backend.getDrain().getState();
    if (state == DrainStatus.State.STATE_UNSPECIFIED) {
      return backend.getActiveConnections() == 0;
    }
    return state == DrainStatus.State.DRAINED;
  }

  private static long remaining(BackendStatus backend) {
    return backend.getDrain().getState() == DrainStatus.State.STATE_UNSPECIFIED
        ? backend.getActiveConnections()
        : backend.getDrain().getRemainingConnections();
  }

  private static String done(Duration elapsed, long cut) {
    long micros = elapsed.toNanos() / 1_000;
    String text = "drained in " + (micros < 1 ? "0s" : Latencies.format(micros));
    return cut == 0
        ? text
        : text + "; " + connections(cut) + (cut == 1 ? " was" : " were") + " cut at the deadline";
  }

  private static String connections(long count) {
    return count + (count == 1 ? " connection" : " connections");
  }
}
