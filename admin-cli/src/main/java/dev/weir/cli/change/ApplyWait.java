package dev.weir.cli.change;

import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.proxy.ProxyCells;
import dev.weir.cli.proxy.ReplicaCoverage;
import dev.weir.cli.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --wait}: blocks in WaitForApplied until every connected proxy has applied a config
 * version, then says how long that took. The wait ends as soon as a proxy rejects the version, on a
 * terminal or in a script alike: waiting longer cannot help. A person sees how many proxies have
 * it, brought up to date every second; a script sees only the outcome. A version applied everywhere
 * but with pools some proxy could not put in force (a port taken there) is not a success: those
 * pools are named, and the wait ends at once. Nor is a version applied on every proxy the control
 * plane sees while a control-plane replica is missing: its proxies are not counted, and the failure
 * names it.
 */
public final class ApplyWait {

  /**
   * How long one WaitForApplied call waits at most: how soon a rejection is seen (the control plane
   * answers a call early only when the version is in force everywhere), and how often a terminal's
   * progress line is brought up to date.
   */
  static final Duration SLICE = Duration.ofSeconds(1);

  private final Session session;
  private final ProgressLine progress;

  /** {@code quiet}: print nothing (for {@code -o json}); the outcome is the exit code. */
  public ApplyWait(Session session, boolean quiet) {
    this.session = session;
    this.progress = ProgressLine.of(session, quiet);
  }

  /**
   * Returns once {@code version} is applied everywhere.
   *
   * @throws WaitIncompleteException if it is not within {@code timeout}, naming the proxies, or as
   *     soon as a proxy is seen to have rejected it
   */
  public void await(long version, Duration timeout) {
    progress.update("waiting for the proxies to apply config version " + version + " ...");
    WaitForAppliedResponse response;
    try {
      response = awaitInSlices(version, timeout);
    } finally {
      progress.clear();
    }
    if (!complete(response)) {
      // A rejection ends the wait before its timeout.
      String outcome =
          rejected(version, response)
              ? "cannot be applied everywhere"
              : "was not applied within " + DurationText.format(timeout);
      throw new WaitIncompleteException(
          incomplete(version, outcome, timeout, response) + missingReplicas(response));
    }
    // Applied everywhere, but a proxy could not put some pools in force: no retry of ours helps
    // sooner than the proxy's own, so say so at once rather than wait out the timeout.
    if (response.getProxiesList().stream().anyMatch(p -> p.getFailedPoolsCount() > 0)) {
      throw new WaitIncompleteException(failedPools(version, response));
    }
    progress.finish(applied(version, response));
  }

  private static String failedPools(long version, WaitForAppliedResponse response) {
    long whole =
        response.getProxiesList().stream().filter(p -> p.getFailedPoolsCount() == 0).count();
    StringBuilder message =
        new StringBuilder(
            "config version "
                + version
                + " applied on "
                + whole
                + " of "
                + response.getProxiesCount()
                + " proxies");
    for (ProxyApplyStatus proxy : response.getProxiesList()) {
      for (PoolApplyFailure failure : proxy.getFailedPoolsList()) {
        message.append("; ").append(ProxyCells.failure(failure, proxy.getProxyId()));
      }
    }
    return message.toString();
  }

  /**
   * The wait cut into slices of at most {@link #SLICE}, each one WaitForApplied that answers early
   * once the version is in force everywhere; after each, a rejection ends the wait and a person
   * watching sees how many proxies have it so far. The number of slices bounds the loop whatever
   * the clock says.
   */
  private WaitForAppliedResponse awaitInSlices(long version, Duration timeout) {
    long slices = Math.max(1, ceilDiv(timeout.toNanos(), SLICE.toNanos()));
    Duration left = timeout;
    WaitForAppliedResponse response = null;
    for (long i = 0; i < slices && !left.isNegative() && !left.isZero(); i++) {
      Duration slice = left.compareTo(SLICE) < 0 ? left : SLICE;
      response = call(version, slice);
      if (complete(response) || rejected(version, response)) {
        return response;
      }
      left = left.minus(slice);
      progress.update(waiting(version, response, timeout.minus(left)));
    }
    return response;
  }

  private WaitForAppliedResponse call(long version, Duration timeout) {
    // The server answers at its timeout; ours is later, so that answer is what we see.
    return session
        .admin(timeout.plus(session.timeout()))
        .waitForApplied(
            WaitForAppliedRequest.newBuilder()
                .setConfigVersion(version)
                .setTimeout(DurationText.toProto(timeout))
                .build());
  }

  // The control plane is not complete while a replica is missing; checked here too, as success
  // must never be claimed for proxies no one could see.
  private static boolean complete(WaitForAppliedResponse response) {
    return response.getComplete() && response.getCoverage().getMissingCount() == 0;
  }

  // A proxy that NACKed the version keeps serving the one before: waiting longer cannot help.
  private static boolean rejected(long version, WaitForAppliedResponse response) {
    return response.getProxiesList().stream()
        .anyMatch(p -> p.getAppliedVersion() < version && !p.getNackReason().isEmpty());
  }

  private static String waiting(long version, WaitForAppliedResponse response, Duration waited) {
    long done =
        response.getProxiesList().stream().filter(p -> p.getAppliedVersion() >= version).count();
    List<MissingReplica> missing = response.getCoverage().getMissingList();
    String replicas =
        missing.isEmpty()
            ? ""
            : ", "
                + ReplicaCoverage.replicas(
                    missing.stream().map(MissingReplica::getReplicaId).toList())
                + " missing";
    return "waiting for config version "
        + version
        + ": applied on "
        + done
        + " of "
        + response.getProxiesCount()
        + " proxies"
        + replicas
        + " ("
        + waited.toSeconds()
        + "s) ...";
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }

  private static String applied(long version, WaitForAppliedResponse response) {
    int proxies = response.getProxiesCount();
    if (proxies == 0) {
      return "no proxy is connected; each gets config version " + version + " when it connects";
    }
    return "applied on "
        + proxies
        + (proxies == 1 ? " proxy" : " proxies")
        + " in "
        + elapsed(response.getElapsed());
  }

  private static String incomplete(
      long version, String outcome, Duration timeout, WaitForAppliedResponse response) {
    List<ProxyApplyStatus> behind =
        response.getProxiesList().stream()
            .filter(p -> p.getAppliedVersion() < version || !p.getNackReason().isEmpty())
            .toList();
    if (behind.isEmpty() && response.getCoverage().getMissingCount() > 0) {
      // Every proxy seen has it; the missing replicas' proxies may not.
      return "config version "
          + version
          + " was not confirmed within "
          + DurationText.format(timeout)
          + ": applied on "
          + response.getProxiesCount()
          + " of "
          + response.getProxiesCount()
          + " proxies";
    }
    String who =
        behind.isEmpty()
            ? "every proxy"
            : behind.size()
                + " of "
                + response.getProxiesCount()
                + " proxies: "
                + behind.stream().map(ApplyWait::describe).collect(Collectors.joining(", "));
    return "config version " + version + " " + outcome + " by " + who;
  }

  // "; replica r3 (...) is missing (...): proxies pd, pe are not counted", per missing replica.
  private static String missingReplicas(WaitForAppliedResponse response) {
    return response.getCoverage().getMissingList().stream()
        .map(missing -> "; " + ReplicaCoverage.line(missing))
        .collect(Collectors.joining());
  }

  private static String describe(ProxyApplyStatus proxy) {
    if (!proxy.getNackReason().isEmpty()) {
      return proxy.getProxyId() + " (rejected it: " + proxy.getNackReason() + ")";
    }
    return proxy.getProxyId()
        + (proxy.getAppliedVersion() == 0
            ? " (has applied none)"
            : " (still at config version " + proxy.getAppliedVersion() + ")");
  }

  private static String elapsed(com.google.protobuf.Duration elapsed) {
    long micros = elapsed.getSeconds() * 1_000_000 + elapsed.getNanos() / 1_000;
    return micros < 1 ? "0ms" : Latencies.format(micros);
  }
}
