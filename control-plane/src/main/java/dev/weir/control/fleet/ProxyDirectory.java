package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Every proxy id known to the control plane, connected or recently disconnected. */
final class ProxyDirectory {
  private final Clock clock;
  private final Duration retention;
  private final Object lock = new Object();

  @GuardedBy("lock")
  private final Map<String, ProxyRecord> records = new HashMap<>();

  @GuardedBy("lock")
  private boolean closed;

  ProxyDirectory(Clock clock, Duration retention) {
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * The outcome of registering a stream.
   *
   * @param replaced the same proxy's stream that is still open and must now be closed, or null
   * @param heldBy when refused because another host holds the id: that stream's address
   */
  record Registration(boolean accepted, ProxySession replaced, String heldBy) {}

  /**
   * Makes {@code record} its proxy's current one. A previous stream of the proxy from the same host
   * (a proxy reconnecting before its old stream was seen to end) is marked ended here, so it
   * neither gets pushes nor reports a disconnect when it closes. Refused once closed, and while the
   * id has a stream open from another host: two proxies given one id would otherwise replace each
   * other's stream in turn, and the fleet would show one of them at a time.
   */
  Registration register(ProxyRecord record) {
    Instant now = clock.instant();
    synchronized (lock) {
      if (closed) {
        return new Registration(false, null, null);
      }
      pruneLocked(now);
      ProxyRecord previous = records.get(record.id());
      ProxySession open = previous != null ? previous.session() : null;
      if (open != null && !PeerAddressInterceptor.sameHost(previous.address(), record.address())) {
        return new Registration(false, null, previous.address());
      }
      records.put(record.id(), record);
      if (open != null) {
        previous.disconnect(now);
      }
      return new Registration(true, open, null);
    }
  }

  /** Offers {@code snapshot} to every connected proxy. */
  void broadcast(ConfigSnapshot snapshot) {
    for (ProxySession session : connectedSessions()) {
      session.offer(snapshot);
    }
  }

  /** Every known proxy, by id, after dropping ones disconnected longer than the retention. */
  List<ProxyInfo> list() {
    List<ProxyRecord> snapshot;
    synchronized (lock) {
      pruneLocked(clock.instant());
      snapshot = new ArrayList<>(records.values());
    }
    snapshot.sort(Comparator.comparing(ProxyRecord::id));
    List<ProxyInfo> infos = new ArrayList<>(snapshot.size());
    for (ProxyRecord record : snapshot) {
      infos.add(record.toInfo());
    }
    return infos;
  }

  /** The latest report of each connected proxy that has sent one. */
  List<StatsReport> connectedReports() {
    List<StatsReport> reports = new ArrayList<>();
    for (ProxyRecord record : allRecords()) {
      StatsReport report = record.connectedReport();
      if (report != null) {
        reports.add(report);
      }
    }
    return reports;
  }

  /** How many proxies have a stream open. */
  int connectedCount() {
    int connected = 0;
    for (ProxyRecord record : allRecords()) {
      if (record.connected()) {
        connected++;
      }
    }
    return connected;
  }

  /** Where each connected proxy stands with {@code version}, by id. */
  List<ProxyApplyStatus> applyStatuses(long version, Instant acceptedAt) {
    List<ProxyRecord> connected = allRecords();
    connected.removeIf(r -> !r.connected());
    connected.sort(Comparator.comparing(ProxyRecord::id));
    List<ProxyApplyStatus> statuses = new ArrayList<>(connected.size());
    for (ProxyRecord record : connected) {
      statuses.add(record.applyStatus(version, acceptedAt));
    }
    return statuses;
  }

  /** The record of proxy {@code id}, connected or recently disconnected, or null. */
  ProxyRecord find(String id) {
    synchronized (lock) {
      pruneLocked(clock.instant());
      return records.get(id);
    }
  }

  /** The streams open now, by proxy id. */
  List<ProxySession> connected() {
    List<ProxySession> sessions = connectedSessions();
    sessions.sort(Comparator.comparing(ProxySession::proxyId));
    return sessions;
  }

  /** Refuses new proxies and returns the streams still open, for the caller to end. */
  List<ProxySession> close() {
    synchronized (lock) {
      closed = true;
    }
    return connectedSessions();
  }

  private List<ProxySession> connectedSessions() {
    List<ProxySession> sessions = new ArrayList<>();
    for (ProxyRecord record : allRecords()) {
      sessions.add(record.session());
    }
    sessions.removeIf(Objects::isNull);
    return sessions;
  }

  private List<ProxyRecord> allRecords() {
    synchronized (lock) {
      return new ArrayList<>(records.values());
    }
  }

  @GuardedBy("lock")
  private void pruneLocked(Instant now) {
    Instant cutoff = now.minus(retention);
    records.values().removeIf(r -> r.disconnectedBefore(cutoff));
  }
}
