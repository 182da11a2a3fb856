package dev.weir.control.fleet;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one stream of a proxy has told the control plane and been sent. A new stream from the
 * same proxy gets a new record, so nothing from an old stream leaks into the new one; the
 * directory keeps only the newest record per proxy id.
 */
final class ProxyRecord {
  // Sends a proxy has not answered yet; more than this means it stopped answering, and the oldest
  // can go.
  private static final int MAX_UNANSWERED_SENDS = 32;

  private final ProxySession session;
  private final String id;
  private final String address;
  private final String hostname;
  private final String version;
  private final Instant connectedSince;

  // All fields below are guarded by this.
  private boolean connected = true;
  private Instant disconnectedAt;
  private long lastSentVersion;
  private final Map<String, Sent> unanswered = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Sent> eldest) {
      return size() > MAX_UNANSWERED_SENDS;
    }
  };
  private long lastAckedVersion;
  private long lastNackVersion;
  private String lastNackReason = "";
  private StatsReport latestReport;
  private Instant lastReportAt;

  private record Sent(long version, Instant at) {}

  ProxyRecord(ProxySession session, Hello hello, String peer, Instant now) {
    this.session = session;
    this.id = hello.getProxyId();
    this.address = peer;
    this.hostname = hello.getHostname();
    this.version = hello.getVersion();
    this.connectedSince = now;
    // What the proxy says it still runs is the best we know until it ACKs something new.
    this.lastAckedVersion = hello.getConfigVersion();
  }

  String id() {
    return id;
  }

  /** The stream, or null once it has ended or been replaced. */
  synchronized ProxySession session() {
    return connected ? session : null;
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

  synchronized void sent(long configVersion, String nonce, Instant now) {
    lastSentVersion = configVersion;
    unanswered.put(nonce, new Sent(configVersion, now));
  }

  /** Records an ACK and returns the push latency, or empty if it answers nothing we sent. */
  synchronized Optional<Duration> ack(long configVersion, String nonce, Instant now) {
    Sent sent = unanswered.get(nonce);
    if (sent == null || sent.version() != configVersion) {
      return Optional.empty();
    }
    lastAckedVersion = Math.max(lastAckedVersion, configVersion);
    unanswered.values().removeIf(s -> s.version() <= configVersion);
    return Optional.of(Duration.between(sent.at(), now));
  }

  /** Records a NACK; false if it answers nothing we sent. */
  synchronized boolean nack(long configVersion, String nonce, String reason) {
    Sent sent = unanswered.get(nonce);
    if (sent == null || sent.version() != configVersion) {
      return false;
    }
    unanswered.remove(nonce);
    lastNackVersion = configVersion;
    lastNackReason = reason;
    return true;
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

  synchronized ProxyInfo toInfo() {
    ProxyInfo.Builder info = ProxyInfo.newBuilder()
        .setId(id)
        .setAddress(address)
        .setHostname(hostname)
        .setVersion(version)
        .setConnected(connected)
        .setConnectedSince(timestamp(connectedSince))
        .setLastSentVersion(lastSentVersion)
        .setLastAckedVersion(lastAckedVersion)
        .setLastNackVersion(lastNackVersion)
        .setLastNackReason(lastNackReason);
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
