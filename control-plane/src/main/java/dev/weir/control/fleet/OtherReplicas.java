package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.RemoteProxy;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.events.FleetEventSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The other control-plane replicas' proxies, as their Follow streams tell this replica, merged with
 * this replica's own into one fleet. Each proxy id is counted once: from this replica while its
 * stream is open here, else from the followed replica where it connected last. What the fleet-wide
 * listeners (health by quorum, drains, rates, adaptive weights) and {@link ApplyProgress} see
 * follows that choice, so a proxy moving between replicas is never counted twice.
 *
 * <p>A replica is <em>missing</em> while it is a member (its key in the store lives) but its stream
 * is not in sync, and after it stops being a member for as long as proxies it served are seen
 * nowhere else, up to the linger. A missing replica holds back {@code WaitForApplied} (it counts as
 * a proxy at version 0) and drains (through {@link FleetListener#coverageChanged}), and every
 * fleet-wide answer names it.
 *
 * <p>Listener calls are made under this object's lock, so they keep the order of the changes that
 * caused them; the listeners only take their own locks and publish events.
 */
final class OtherReplicas implements FleetListener {
  private static final String HERE = "";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private volatile String selfId;
  private final ApplyProgress progress;
  private final FleetListener fleetWide;
  private final FleetEventSink events;
  private final Clock clock;
  private final Duration linger;
  private final Duration retention;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<String, Replica> replicas = new TreeMap<>();

  // Where each connected proxy id is counted from: HERE or a replica id.
  @GuardedBy("lock")
  private final Map<String, Counted> counted = new HashMap<>();

  @GuardedBy("lock")
  private List<String> missingPublished = List.of();

  private static final class Replica {
    final String id;
    String address;
    boolean member;
    boolean synced;
    String reason = "its link is not in sync yet";
    Instant missingSince;
    Instant leftAt;
    // While synced, what it says; once the link is lost, what it last said (its proxies are then
    // unaccounted for, unless seen elsewhere).
    Map<String, RemoteProxy> proxies = new HashMap<>();
    // What arrives before the first synced update.
    Map<String, RemoteProxy> syncing = new HashMap<>();

    Replica(String id, String address, Instant now) {
      this.id = id;
      this.address = address;
      this.missingSince = now;
    }
  }

  /** One proxy counted fleet-wide, and from where; the key ApplyProgress counts it under. */
  private static final class Counted {
    final String source;
    final Timestamp connectedSince;
    Timestamp reportTime;
    long applied;

    Counted(String source, Timestamp connectedSince) {
      this.source = source;
      this.connectedSince = connectedSince;
    }
  }

  private record Hold(String replicaId) {}

  OtherReplicas(
      String selfId,
      ApplyProgress progress,
      FleetListener fleetWide,
      FleetEventSink events,
      Clock clock,
      Duration linger,
      Duration retention) {
    this.selfId = selfId;
    this.progress = progress;
    this.fleetWide = fleetWide;
    this.events = events;
    this.clock = clock;
    this.linger = linger;
    this.retention = retention;
  }

  String selfId() {
    return selfId;
  }

  void selfId(String id) {
    this.selfId = id;
  }

  // ---- this replica's own proxies, as the local fleet tells them ----

  @Override
  public void proxyConnected(String proxyId) {
    synchronized (lock) {
      Counted before = counted.put(proxyId, new Counted(HERE, null));
      if (before != null && !before.source.equals(HERE)) {
        progress.disconnected(before);
      }
      fleetWide.proxyConnected(proxyId);
    }
  }

  @Override
  public void statsReported(String proxyId, StatsReport report) {
    synchronized (lock) {
      Counted c = counted.get(proxyId);
      if (c != null && c.source.equals(HERE)) {
        fleetWide.statsReported(proxyId, report);
      }
    }
  }

  @Override
  public void proxyDisconnected(String proxyId) {
    synchronized (lock) {
      Counted c = counted.get(proxyId);
      if (c == null || !c.source.equals(HERE)) {
        return;
      }
      counted.remove(proxyId);
      if (!countElsewhereLocked(proxyId)) {
        fleetWide.proxyDisconnected(proxyId);
      }
      updateMissingLocked();
    }
  }

  // ---- the other replicas, as the replica links tell them ----

  /** {@code id} became a member, reachable at {@code address}; missing until its link syncs. */
  void joined(String id, String address) {
    synchronized (lock) {
      Replica replica = replicas.get(id);
      if (replica == null) {
        replica = new Replica(id, address, clock.instant());
        replicas.put(id, replica);
      }
      replica.address = address;
      replica.member = true;
      replica.leftAt = null;
      updateMissingLocked();
    }
  }

  /** What {@code id}'s Follow stream sent. */
  void update(String id, ReplicaUpdate update) {
    synchronized (lock) {
      Replica replica = replicas.get(id);
      if (replica == null) {
        // A link outliving the membership it was opened for: nothing to count it under.
        return;
      }
      for (FleetEvent event : update.getEventsList()) {
        if (event.hasProxy()) {
          FleetEvent.Builder mine = event.toBuilder();
          mine.getProxyBuilder().setReplica(id);
          events.publish(mine.build());
        }
      }
      if (!replica.synced) {
        for (RemoteProxy proxy : update.getProxiesList()) {
          if (forgotten(proxy)) {
            replica.syncing.remove(proxy.getInfo().getId());
          } else {
            replica.syncing.put(proxy.getInfo().getId(), withReplica(proxy, id));
          }
        }
        if (!update.getSynced()) {
          return;
        }
        TreeSet<String> touched = new TreeSet<>(replica.proxies.keySet());
        replica.proxies = replica.syncing;
        replica.syncing = new HashMap<>();
        replica.synced = true;
        replica.missingSince = null;
        touched.addAll(replica.proxies.keySet());
        for (String proxyId : touched) {
          recountLocked(proxyId);
        }
        // Proxies that were unaccounted for with a lost replica may have come back here.
        forgetFoundLocked();
        updateMissingLocked();
        return;
      }
      for (RemoteProxy proxy : update.getProxiesList()) {
        String proxyId = proxy.getInfo().getId();
        if (forgotten(proxy)) {
          replica.proxies.remove(proxyId);
        } else {
          replica.proxies.put(proxyId, withReplica(proxy, id));
        }
        recountLocked(proxyId);
      }
      if (update.getProxiesCount() > 0) {
        forgetFoundLocked();
        updateMissingLocked();
      }
    }
  }

  /** {@code id}'s link broke or went quiet: its proxies are unaccounted for until it resyncs. */
  void lost(String id, String reason) {
    synchronized (lock) {
      Replica replica = replicas.get(id);
      if (replica == null) {
        return;
      }
      replica.syncing = new HashMap<>();
      replica.reason = reason;
      if (!replica.synced) {
        return;
      }
      replica.synced = false;
      replica.missingSince = clock.instant();
      for (String proxyId : new ArrayList<>(replica.proxies.keySet())) {
        recountLocked(proxyId);
      }
      updateMissingLocked();
    }
  }

  /**
   * {@code id}'s membership ended (it shut down, or its lease expired): it is no longer waited for,
   * but the proxies it served stay unaccounted for until they show up elsewhere or the linger
   * passes.
   */
  void left(String id) {
    synchronized (lock) {
      Replica replica = replicas.get(id);
      if (replica == null) {
        return;
      }
      replica.member = false;
      replica.leftAt = clock.instant();
      if (replica.synced) {
        replica.synced = false;
        replica.missingSince = replica.leftAt;
        replica.reason = "it left the fleet";
        for (String proxyId : new ArrayList<>(replica.proxies.keySet())) {
          recountLocked(proxyId);
        }
      }
      forgetFoundLocked();
      updateMissingLocked();
    }
  }

  /**
   * Lets go of replicas that left longer than the linger ago, and of proxies disconnected longer
   * than the retention (as the replica that had them does).
   */
  void tick() {
    synchronized (lock) {
      Instant cutoff = clock.instant().minus(retention);
      for (Replica replica : replicas.values()) {
        replica
            .proxies
            .values()
            .removeIf(
                p ->
                    !p.getInfo().getConnected()
                        && p.getInfo().hasDisconnectedAt()
                        && Timestamps.toMillis(p.getInfo().getDisconnectedAt())
                            < cutoff.toEpochMilli());
      }
      forgetFoundLocked();
      updateMissingLocked();
    }
  }

  // ---- answers ----

  /** The replicas this replica's answers cover, and those they do not. */
  FleetCoverage coverage() {
    synchronized (lock) {
      return coverageLocked();
    }
  }

  /** How many of the other replicas' proxies are counted fleet-wide. */
  int countedElsewhere() {
    synchronized (lock) {
      int n = 0;
      for (Counted c : counted.values()) {
        if (!c.source.equals(HERE)) {
          n++;
        }
      }
      return n;
    }
  }

  /** Missing replicas' ids, for drains. */
  List<String> missing() {
    synchronized (lock) {
      return missingIdsLocked();
    }
  }

  /**
   * Other replicas' proxies to list beside this replica's own {@code local} ones: each id once,
   * connected entries first, then the newest.
   */
  List<ProxyInfo> merge(List<ProxyInfo> local) {
    Map<String, ProxyInfo> byId = new TreeMap<>();
    for (ProxyInfo info : local) {
      byId.put(info.getId(), info);
    }
    synchronized (lock) {
      for (Replica replica : replicas.values()) {
        if (!replica.synced) {
          continue;
        }
        for (RemoteProxy proxy : replica.proxies.values()) {
          ProxyInfo info = proxy.getInfo();
          ProxyInfo here = byId.get(info.getId());
          if (here != null && here.getReplica().isEmpty() && here.getConnected()) {
            // Its stream here is the one it uses now, whatever the other replica still says.
            continue;
          }
          byId.merge(info.getId(), info, OtherReplicas::better);
        }
      }
    }
    return new ArrayList<>(byId.values());
  }

  /** The latest report of each other replica's proxy counted fleet-wide. */
  List<StatsReport> reports() {
    List<StatsReport> reports = new ArrayList<>();
    synchronized (lock) {
      counted.forEach(
          (proxyId, c) -> {
            if (!c.source.equals(HERE)) {
              RemoteProxy proxy = replicas.get(c.source).proxies.get(proxyId);
              if (proxy != null && proxy.hasReport()) {
                reports.add(proxy.getReport());
              }
            }
          });
    }
    return reports;
  }

  /** Where each of the other replicas' proxies counted fleet-wide stands with a version. */
  List<ProxyApplyStatus> applyStatuses(long version) {
    List<ProxyApplyStatus> statuses = new ArrayList<>();
    synchronized (lock) {
      counted.forEach(
          (proxyId, c) -> {
            if (c.source.equals(HERE)) {
              return;
            }
            ProxyInfo info = replicas.get(c.source).proxies.get(proxyId).getInfo();
            ProxyApplyStatus.Builder status =
                ProxyApplyStatus.newBuilder()
                    .setProxyId(proxyId)
                    .setAppliedVersion(info.getLastAppliedVersion())
                    .setReplica(c.source);
            if (info.getLastAppliedVersion() < version && info.getLastNackVersion() >= version) {
              status.setNackReason(info.getLastNackReason());
            }
            if (info.getLastAppliedVersion() >= version) {
              status.addAllFailedPools(info.getFailedPoolsList());
              if (info.getLastAppliedVersion() == version && info.hasLastPushLatency()) {
                status.setPushLatency(info.getLastPushLatency());
              }
            }
            statuses.add(status.build());
          });
    }
    statuses.sort(Comparator.comparing(ProxyApplyStatus::getProxyId));
    return statuses;
  }

  /**
   * The replica whose stream {@code proxyId} has open, if another replica's; null if this replica's
   * or unknown.
   */
  String replicaOf(String proxyId) {
    synchronized (lock) {
      Counted c = counted.get(proxyId);
      return c == null || c.source.equals(HERE) ? null : c.source;
    }
  }

  /** The missing replica that last served {@code proxyId}, or null. */
  MissingReplica missingWith(String proxyId) {
    synchronized (lock) {
      for (MissingReplica missing : coverageLocked().getMissingList()) {
        if (missing.getProxiesList().contains(proxyId)) {
          return missing;
        }
      }
      return null;
    }
  }

  /** The replicas followed now (in sync), by id. */
  List<String> followed() {
    synchronized (lock) {
      List<String> ids = new ArrayList<>();
      replicas.forEach(
          (id, r) -> {
            if (r.synced) {
              ids.add(id);
            }
          });
      return ids;
    }
  }

  /** Every other replica that is a member or missing, with its address, by id. */
  Map<String, String> addresses() {
    synchronized (lock) {
      Map<String, String> out = new TreeMap<>();
      replicas.forEach(
          (id, r) -> {
            if (r.member || r.synced) {
              out.put(id, r.address);
            }
          });
      return out;
    }
  }

  // ---- the counting ----

  // After this replica's own stream of the proxy ended: counts it from another replica if one has
  // it connected.
  @GuardedBy("lock")
  private boolean countElsewhereLocked(String proxyId) {
    recountLocked(proxyId);
    return counted.containsKey(proxyId);
  }

  // Chooses where proxyId is counted from, unless from here, and tells the listeners and the
  // progress what changed.
  @GuardedBy("lock")
  private void recountLocked(String proxyId) {
    Counted current = counted.get(proxyId);
    if (current != null && current.source.equals(HERE)) {
      return;
    }
    Replica best = null;
    ProxyInfo bestInfo = null;
    for (Replica replica : replicas.values()) {
      RemoteProxy proxy = replica.synced ? replica.proxies.get(proxyId) : null;
      if (proxy == null || !proxy.getInfo().getConnected()) {
        continue;
      }
      if (bestInfo == null
          || Timestamps.compare(proxy.getInfo().getConnectedSince(), bestInfo.getConnectedSince())
              > 0) {
        best = replica;
        bestInfo = proxy.getInfo();
      }
    }
    if (best == null) {
      if (current != null) {
        counted.remove(proxyId);
        progress.disconnected(current);
        fleetWide.proxyDisconnected(proxyId);
      }
      return;
    }
    RemoteProxy chosen = best.proxies.get(proxyId);
    if (current == null
        || !current.source.equals(best.id)
        || !current.connectedSince.equals(bestInfo.getConnectedSince())) {
      // A new stream (here, a move between replicas, or a reconnect to the same one): as for a
      // proxy connecting here, nothing its old stream said still holds.
      if (current != null) {
        progress.disconnected(current);
      }
      Counted next = new Counted(best.id, bestInfo.getConnectedSince());
      next.applied = bestInfo.getLastAppliedVersion();
      counted.put(proxyId, next);
      progress.counted(next, next.applied);
      fleetWide.proxyConnected(proxyId);
      report(proxyId, next, chosen);
      return;
    }
    if (current.applied != bestInfo.getLastAppliedVersion()) {
      current.applied = bestInfo.getLastAppliedVersion();
      progress.applied(current, current.applied);
    }
    report(proxyId, current, chosen);
  }

  private void report(String proxyId, Counted c, RemoteProxy proxy) {
    if (proxy.hasReport() && !proxy.getReport().getTime().equals(c.reportTime)) {
      c.reportTime = proxy.getReport().getTime();
      fleetWide.statsReported(proxyId, proxy.getReport());
    }
  }

  // Drops the proxies of unsynced replicas that are counted elsewhere now, and replicas that
  // left and have nothing left to account for (or lingered long enough).
  @GuardedBy("lock")
  private void forgetFoundLocked() {
    Instant now = clock.instant();
    // A loop and removeAll, not lambdas: Error Prone sees the lock held only outside them.
    for (Iterator<Replica> it = replicas.values().iterator(); it.hasNext(); ) {
      Replica replica = it.next();
      if (replica.synced) {
        continue;
      }
      replica.proxies.keySet().removeAll(counted.keySet());
      if (!replica.member
          && (unaccountedLocked(replica).isEmpty() || !now.isBefore(replica.leftAt.plus(linger)))) {
        it.remove();
      }
    }
  }

  @GuardedBy("lock")
  private List<String> unaccountedLocked(Replica replica) {
    List<String> ids = new ArrayList<>();
    replica.proxies.forEach(
        (proxyId, proxy) -> {
          if (proxy.getInfo().getConnected() && !counted.containsKey(proxyId)) {
            ids.add(proxyId);
          }
        });
    ids.sort(null);
    return ids;
  }

  @GuardedBy("lock")
  private List<String> missingIdsLocked() {
    List<String> ids = new ArrayList<>();
    replicas.forEach(
        (id, r) -> {
          if (!r.synced) {
            ids.add(id);
          }
        });
    return ids;
  }

  // Holds WaitForApplied and tells the drains when the missing replicas change.
  @GuardedBy("lock")
  private void updateMissingLocked() {
    List<String> missing = missingIdsLocked();
    if (missing.equals(missingPublished)) {
      return;
    }
    for (String id : missing) {
      if (!missingPublished.contains(id)) {
        progress.counted(new Hold(id), 0);
      }
    }
    for (String id : missingPublished) {
      if (!missing.contains(id)) {
        progress.disconnected(new Hold(id));
      }
    }
    missingPublished = List.copyOf(missing);
    fleetWide.coverageChanged(missingPublished);
  }

  @GuardedBy("lock")
  private FleetCoverage coverageLocked() {
    FleetCoverage.Builder coverage =
        FleetCoverage.newBuilder().setAnsweredBy(selfId).addReplicas(selfId);
    replicas.forEach(
        (id, replica) -> {
          if (replica.synced) {
            coverage.addReplicas(id);
          } else {
            String since =
                replica.missingSince == null
                    ? ""
                    : " since " + TIME.format(replica.missingSince) + " UTC";
            coverage.addMissing(
                MissingReplica.newBuilder()
                    .setReplicaId(id)
                    .setAddress(replica.address)
                    .setReason(
                        (replica.member ? "" : "left the fleet" + since + "; ")
                            + (replica.member ? "not followed" + since + ": " : "last: ")
                            + replica.reason)
                    .addAllProxies(unaccountedLocked(replica)));
          }
        });
    return coverage.build();
  }

  // What a replica sends for a proxy it no longer knows: the id alone.
  private static boolean forgotten(RemoteProxy proxy) {
    return !proxy.getInfo().hasConnectedSince();
  }

  private static RemoteProxy withReplica(RemoteProxy proxy, String replicaId) {
    if (proxy.getInfo().getReplica().equals(replicaId)) {
      return proxy;
    }
    RemoteProxy.Builder b = proxy.toBuilder();
    b.getInfoBuilder().setReplica(replicaId);
    return b.build();
  }

  // Of two entries for one proxy id: the connected one, else the one connected most recently.
  private static ProxyInfo better(ProxyInfo a, ProxyInfo b) {
    if (a.getConnected() != b.getConnected()) {
      return a.getConnected() ? a : b;
    }
    return Timestamps.compare(a.getConnectedSince(), b.getConnectedSince()) >= 0 ? a : b;
  }
}
