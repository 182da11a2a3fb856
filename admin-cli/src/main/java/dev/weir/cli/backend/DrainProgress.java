package dev.weir.cli.backend;

import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.change.ProgressLine;
import dev.weir.cli.change.WaitIncompleteException;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.proxy.ReplicaCoverage;
import dev.weir.cli.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code backend drain --wait}: follows a backend's fleet-wide drain in GetPoolStatus until the
 * control plane reports it DRAINED, showing its remaining connections as they fall, and which
 * control-plane replicas' proxies that count leaves out (a drain is not DRAINED while any is).
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
    String shown = "";
    try {
      while (true) {
        BackendStatus backend = poll(pool, address);
        DrainStatus drain = backend.getDrain();
        Duration elapsed = Duration.between(start, session.clock().instant());
        if (drained(backend)) {
          progress.finish(done(elapsed, drain));
          return;
        }
        long remaining = remaining(backend);
        List<String> unaccounted = drain.getUnaccountedReplicasList();
        // The count leaves out the proxies of unaccounted replicas: a 0 there proves nothing.
        String text =
            "draining: "
                + connections(remaining)
                + (remaining == 1 ? " remains" : " remain")
                + (unaccounted.isEmpty()
                    ? ""
                    : ", " + ReplicaCoverage.replicas(unaccounted) + " unaccounted");
        if (!text.equals(shown)) {
          progress.step(text);
          shown = text;
        }
        progress.update(text + " (" + elapsed.getSeconds() + "s)");
        if (limit != null && elapsed.compareTo(limit) >= 0) {
          throw new WaitIncompleteException(
              notDrained(pool, address, limit, remaining, unaccounted));
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

  private static String notDrained(
      String pool, String address, Duration limit, long remaining, List<String> unaccounted) {
    String backend = "backend " + address + " in pool " + pool;
    if (unaccounted.isEmpty()) {
      return backend
          + " still has "
          + connections(remaining)
          + " open after "
          + DurationText.format(limit);
    }
    boolean one = unaccounted.size() == 1;
    return backend
        + " is not confirmed drained after "
        + DurationText.format(limit)
        + ": "
        + connections(remaining)
        + " open on the proxies counted, and "
        + ReplicaCoverage.replicas(unaccounted)
        + (one ? " is" : " are")
        + " unaccounted for ("
        + (one ? "its" : "their")
        + " proxies' connections are not counted)";
  }

  // DRAINED while a replica is unaccounted happens only at the deadline, which every proxy
  // enforces itself; the line still says whose connections were not seen.
  private static String done(Duration elapsed, DrainStatus drain) {
    long micros = elapsed.toNanos() / 1_000;
    long cut = drain.getCutConnections();
    String text = "drained in " + (micros < 1 ? "0s" : Latencies.format(micros));
    if (cut > 0) {
      text += "; " + connections(cut) + (cut == 1 ? " was" : " were") + " cut at the deadline";
    }
    if (drain.getUnaccountedReplicasCount() > 0) {
      boolean one = drain.getUnaccountedReplicasCount() == 1;
      text +=
          "; "
              + ReplicaCoverage.replicas(drain.getUnaccountedReplicasList())
              + " unaccounted: "
              + (one ? "its" : "their")
              + " proxies' connections are not counted";
    }
    return text;
  }

  private static String connections(long count) {
    return count + (count == 1 ? " connection" : " connections");
  }
}
