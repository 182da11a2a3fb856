package dev.weir.control.fleet;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one stream of a proxy has told the control plane and been sent. A new stream from the same
 * proxy gets a new record, so nothing from an old stream leaks into the new one; the directory
 * keeps only the newest record per proxy id.
 *
 * <p>A send is answered by an ACK (the proxy validated it) and then by ConfigApplied (it is in
 * force, perhaps with some pools that could not be), or by a NACK, which may also follow an ACK
 * when applying fails. The failed pools of the version in force may change later, by the proxy's
 * own retries (PoolApplyStatus).
 */
final class ProxyRecord {
  // Sends a proxy has not answered yet; more than this means it stopped answering, and the oldest
  // can go.
  private static final int MAX_UNANSWERED_SENDS = 32;
  // Applies remembered for WaitForApplied's per-proxy latency of a version the proxy skipped.
  private static final int KEPT_APPLIES = 16;

  private final ProxySession session;
  private final String id;
  private final String address;
  private final String hostname;
  private final String version;
  private final Instant connectedSince;
  // The newest config version when the stream opened: applying a newer one ends a push.
  private final long newestAtConnect;

  @GuardedBy("this")
  private boolean connected = true;

  @GuardedBy("this")
  private Instant disconnectedAt;

  @GuardedBy("this")
  private long lastSentVersion;

  @GuardedBy("this")
  private final Map<String, Sent> unanswered =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
          return size() > MAX_UNANSWERED_SENDS;
        }
      };

  @GuardedBy("this")
  private long lastAckedVersion;

  @GuardedBy("this")
  private long lastAppliedVersion;

  @GuardedBy("this")
  private Duration lastPushLatency;

  @GuardedBy("this")
  private final ArrayDeque<Applied> applies = new ArrayDeque<>();

  @GuardedBy("this")
  private long lastNackVersion;

  @GuardedBy("this")
  private String lastNackReason = "";

  // The pools of lastAppliedVersion that the proxy could not put in force.
  @GuardedBy("this")
  private List<PoolApplyFailure> failedPools = List.of();

  // What the proxy serves: from its hello, then from each apply.
  @GuardedBy("this")
  private String servingFleetId;

  @GuardedBy("this")
  private long servingVersion;

  // The kind of the last NACK while it refuses this control plane's fleet or version; cleared
  // by the next apply.
  @GuardedBy("this")
  private NackKind refusing = NackKind.NACK_KIND_UNSPECIFIED;

  @GuardedBy("this")
  private StatsReport latestReport;

  @GuardedBy("this")
  private Instant lastReportAt;

  private record Sent(long version, String fleetId, Instant at) {}

  private record Applied(long version, Instant at) {}

  /**
   * @param inForce the version of this control plane's the proxy serves, from its hello; 0 when
   *     what it serves is not one of this control plane's versions (another fleet's, or newer)
   */
  ProxyRecord(
      ProxySession session,
      Hello hello,
      String peer,
      Instant now,
      long newestAtConnect,
      long inForce) {
    this.session = session;
    this.id = hello.getProxyId();
    this.address = peer;
    this.hostname = hello.getHostname();
    this.version = hello.getVersion();
    this.connectedSince = now;
    this.newestAtConnect = newestAtConnect;
    // What the proxy says it still runs is the best we know until it answers something new.
    this.lastAckedVersion = inForce;
    this.lastAppliedVersion = inForce;
    this.servingFleetId = hello.getFleetId();
    this.servingVersion = hello.getConfigVersion();
  }

  String id() {
    return id;
  }

  /** Where the stream comes from, "ip:port". */
  String address() {
    return address;
  }

  /** The stream, or null once it has ended or been replaced. */
  synchronized ProxySession session() {
    return connected ? session : null;
  }

  synchronized boolean connected() {
    return connected;
  }

  /** Marks the stream ended; false if it already was (or was replaced). */
  synchronized boolean disconnect(Instant now) {
    if (!connected) {
      return false;
    }
    connected = false;
    disconnectedAt = now;
    return true;
  }

  synchronized void sent(long configVersion, String fleetId, String nonce, Instant now) {
    lastSentVersion = configVersion;
    unanswered.put(nonce, new Sent(configVersion, fleetId, now));
  }

  /**
   * Records an ACK and returns the time since the send, or empty if it answers nothing we sent. The
   * send stays open for the ConfigApplied or NACK that follows.
   */
  synchronized Optional<Duration> ack(long configVersion, String nonce, Instant now) {
    Sent sent = unanswered.get(nonce);
    if (sent == null || sent.version() != configVersion) {
      return Optional.empty();
    }
    lastAckedVersion = Math.max(lastAckedVersion, configVersion);
    return Optional.of(Duration.between(sent.at(), now));
  }

  /**
   * A ConfigApplied that answered a send.
   *
   * @param pushLatency from the version's acceptance to now; null when applying it ended no push,
   *     because the version was accepted before this stream opened (or when is not known)
   */
  record Apply(Duration pushLatency) {}

  /**
   * Records that the proxy put a version in force; empty if it answers nothing we sent.
   *
   * @param acceptedAt when the control plane accepted the version; null if not known
   */
  synchronized Optional<Apply> applied(
      long configVersion,
      String nonce,
      Instant now,
      Instant acceptedAt,
      List<PoolApplyFailure> failed) {
    Sent sent = unanswered.get(nonce);
    if (!answer(configVersion, nonce)) {
      return Optional.empty();
    }
    lastAppliedVersion = configVersion;
    failedPools = List.copyOf(failed);
    servingVersion = configVersion;
    servingFleetId = sent.fleetId();
    refusing = NackKind.NACK_KIND_UNSPECIFIED;
    applies.addLast(new Applied(configVersion, now));
    if (applies.size() > KEPT_APPLIES) {
      applies.pollFirst();
    }
    lastPushLatency = isPush(configVersion, acceptedAt) ? Duration.between(acceptedAt, now) : null;
    return Optional.of(new Apply(lastPushLatency));
  }

  /**
   * Records the failed pools of the version in force, as the proxy's own retries changed them.
   *
   * @return the failures before, or empty if the report is not about the version in force (it
   *     crossed a newer ConfigApplied) and was ignored
   */
  synchronized Optional<List<PoolApplyFailure>> poolStatus(
      long configVersion, List<PoolApplyFailure> failed) {
    if (configVersion != lastAppliedVersion) {
      return Optional.empty();
    }
    List<PoolApplyFailure> before = failedPools;
    failedPools = List.copyOf(failed);
    return Optional.of(before);
  }

  /** Records a NACK; false if it answers nothing we sent. */
  synchronized boolean nack(long configVersion, String nonce, String reason, NackKind kind) {
    if (!answer(configVersion, nonce)) {
      return false;
    }
    lastNackVersion = configVersion;
    lastNackReason = reason;
    refusing =
        kind == NackKind.OTHER_FLEET || kind == NackKind.OLDER_VERSION
            ? kind
            : NackKind.NACK_KIND_UNSPECIFIED;
    return true;
  }

  // Closes the send with this nonce, and any older one still open: answers come in send order.
  @GuardedBy("this")
  private boolean answer(long configVersion, String nonce) {
    Sent sent = unanswered.get(nonce);
    if (sent == null || sent.version() != configVersion) {
      return false;
    }
    Iterator<String> nonces = unanswered.keySet().iterator();
    while (nonces.hasNext()) {
      boolean last = nonces.next().equals(nonce);
      nonces.remove();
      if (last) {
        break;
      }
    }
    return true;
  }

  // Whether the version was accepted while this stream was open, so applying it ends a push
  // rather than a proxy catching up after it connected.
  private boolean isPush(long configVersion, Instant acceptedAt) {
    return acceptedAt != null && configVersion > newestAtConnect;
  }

  synchronized void report(StatsReport report, Instant now) {
    latestReport = report;
    lastReportAt = now;
  }

  /** The latest report while the stream is open, or null. */
  synchronized StatsReport connectedReport() {
    return connected ? latestReport : null;
  }

  synchronized boolean disconnectedBefore(Instant cutoff) {
    return !connected && disconnectedAt.isBefore(cutoff);
  }

  /** Where this proxy stands with {@code configVersion}, accepted at {@code acceptedAt}. */
  synchronized ProxyApplyStatus applyStatus(long configVersion, Instant acceptedAt) {
    ProxyApplyStatus.Builder status =
        ProxyApplyStatus.newBuilder().setProxyId(id).setAppliedVersion(lastAppliedVersion);
    if (lastAppliedVersion < configVersion && lastNackVersion >= configVersion) {
      status.setNackReason(lastNackReason);
    }
    if (lastAppliedVersion >= configVersion) {
      status.addAllFailedPools(failedPools);
    }
    if (isPush(configVersion, acceptedAt)) {
      for (Applied applied : applies) {
        if (applied.version() >= configVersion) {
          status.setPushLatency(
              Durations.fromNanos(Duration.between(acceptedAt, applied.at()).toNanos()));
          break;
        }
      }
    }
    return status.build();
  }

  synchronized ProxyInfo toInfo() {
    ProxyInfo.Builder info =
        ProxyInfo.newBuilder()
            .setId(id)
            .setAddress(address)
            .setHostname(hostname)
            .setVersion(version)
            .setConnected(connected)
            .setConnectedSince(timestamp(connectedSince))
            .setLastSentVersion(lastSentVersion)
            .setLastAckedVersion(lastAckedVersion)
            .setLastAppliedVersion(lastAppliedVersion)
            .setLastNackVersion(lastNackVersion)
            .setLastNackReason(lastNackReason)
            .addAllFailedPools(failedPools)
            .setServingFleetId(servingFleetId)
            .setServingVersion(servingVersion)
            .setRefusing(refusing);
    if (lastPushLatency != null) {
      info.setLastPushLatency(Durations.fromNanos(lastPushLatency.toNanos()));
    }
    if (disconnectedAt != null) {
      info.setDisconnectedAt(timestamp(disconnectedAt));
    }
    if (lastReportAt != null) {
      info.setLastReportAt(timestamp(lastReportAt));
    }
    return info.build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
