package dev.weir.control.admin;

import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.control.pool.ChangeIntent;
import dev.weir.control.pool.ChangeOutcome;
import dev.weir.control.pool.PoolRegistry;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * AdoptFleet: makes this control plane's pools the configuration of the fleet its connected proxies
 * serve, at a version above any of theirs, so proxies that refused its config (another fleet's, or
 * older than theirs) accept it. The fleet comes from the request or, when it names none, from the
 * proxies, who must agree: adopting is deliberate, so nothing is guessed.
 */
final class FleetAdoption {
  // What a store creates (a UUID) and more; the proxies check nothing but equality.
  private static final Pattern FLEET_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private FleetAdoption() {}

  static AdoptFleetResponse adopt(
      PoolRegistry pools, List<ProxyInfo> proxies, AdoptFleetRequest request, ChangeIntent intent) {
    String requested = request.getFleetId();
    if (!requested.isEmpty() && !FLEET_ID.matcher(requested).matches()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("fleet_id must be 1..64 of [A-Za-z0-9._-], got \"" + requested + "\"")
          .asRuntimeException();
    }
    // Fleet id -> the proxies serving it; proxies without a fleet id serve none.
    Map<String, TreeSet<String>> fleets = new TreeMap<>();
    long servedVersion = 0;
    for (ProxyInfo proxy : proxies) {
      if (!proxy.getConnected()) {
        continue;
      }
      servedVersion = Math.max(servedVersion, proxy.getServingVersion());
      if (!proxy.getServingFleetId().isEmpty()) {
        fleets.computeIfAbsent(proxy.getServingFleetId(), k -> new TreeSet<>()).add(proxy.getId());
      }
    }
    String fleetId = requested.isEmpty() ? reportedFleet(fleets, servedVersion) : requested;
    String previous = pools.current().getFleetId();
    ChangeOutcome outcome = pools.adoptFleet(fleetId, servedVersion, intent);
    return AdoptFleetResponse.newBuilder()
        .setConfigVersion(outcome.config().getVersion())
        .setFleetId(fleetId)
        .setPreviousFleetId(previous)
        .setDryRun(outcome.dryRun())
        .setDiff(outcome.diff())
        .build();
  }

  private static String reportedFleet(Map<String, TreeSet<String>> fleets, long servedVersion) {
    if (fleets.isEmpty()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              servedVersion == 0
                  ? "no connected proxy serves a fleet to adopt; connect the proxies first, or give "
                      + "fleet_id (weirctl fleet adopt --fleet-id ID)"
                  : "the connected proxies serve configs without a fleet id (from a Weir without "
                      + "fleet ids); give fleet_id (weirctl fleet adopt --fleet-id ID)")
          .asRuntimeException();
    }
    if (fleets.size() > 1) {
      StringBuilder which = new StringBuilder();
      fleets.forEach(
          (id, proxyIds) ->
              which
                  .append(which.length() > 0 ? "; " : "")
                  .append("fleet ")
                  .append(id)
                  .append(": ")
                  .append(String.join(", ", proxyIds)));
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "the connected proxies serve "
                  + fleets.size()
                  + " fleets ("
                  + which
                  + "); give fleet_id to say which to adopt (weirctl fleet adopt --fleet-id ID)")
          .asRuntimeException();
    }
    return fleets.keySet().iterator().next();
  }
}
