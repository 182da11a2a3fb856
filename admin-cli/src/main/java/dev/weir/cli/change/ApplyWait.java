package dev.weir.cli.change;

import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.args.Durations;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.session.Session;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code --wait}: blocks in WaitForApplied until every connected proxy has applied a config
 * version, then says how long that took. A person sees a waiting line while it lasts; a script
 * sees only the outcome.
 */
public final class ApplyWait {

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
   * @throws WaitIncompleteException if it is not within {@code timeout}, naming the proxies
   */
  public void await(long version, Duration timeout) {
    progress.update("waiting for the proxies to apply config version " + version + " ...");
    WaitForAppliedResponse response;
    try {
      // The server answers at its timeout; ours is later, so that answer is what we see.
      response =
          session
              .admin(timeout.plus(session.timeout()))
              .waitForApplied(
                  WaitForAppliedRequest.newBuilder()
                      .setConfigVersion(version)
                      .setTimeout(Durations.toProto(timeout))
                      .build());
    } finally {
      progress.clear();
    }
    if (!response.getComplete()) {
      throw new WaitIncompleteException(incomplete(version, timeout, response));
    }
    progress.finish(applied(version, response));
  }

  private static String applied(long version, WaitForAppliedResponse response) {
    int proxies = response.getProxiesCount();
    if (proxies == 0) {
      return "no proxy is connected; each gets config version " + version + " when it connects";
    }
    return "applied on " + proxies + (proxies == 1 ? " proxy" : " proxies") + " in "
        + elapsed(response.getElapsed());
  }

  private static String incomplete(
      long version, Duration timeout, WaitForAppliedResponse response) {
    List<ProxyApplyStatus> behind =
        response.getProxiesList().stream()
            .filter(p -> p.getAppliedVersion() < version || !p.getNackReason().isEmpty())
            .toList();
    String who =
        behind.isEmpty()
            ? "every proxy"
            : behind.size() + " of " + response.getProxiesCount() + " proxies: "
                + behind.stream().map(ApplyWait::describe).collect(Collectors.joining(", "));
    return "config version " + version + " was not applied within " + Durations.format(timeout)
        + " by " + who;
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
