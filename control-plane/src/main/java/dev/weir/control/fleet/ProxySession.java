package dev.weir.control.fleet;

import dev.weir.api.v1.CloseConnectionCommand;
import dev.weir.api.v1.ConfigAck;
import dev.weir.api.v1.ConfigApplied;
import dev.weir.api.v1.ConfigNack;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListConnectionsCommand;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.StatsReport;
import dev.weir.api.wire.ProxyId;
import dev.weir.control.security.Caller;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxy's {@code Connect} stream. gRPC delivers its inbound messages one at a time; pushes come
 * from other threads through the {@link SnapshotPusher}.
 */
final class ProxySession implements StreamObserver<ProxyMessage> {
  private static final Logger log = LoggerFactory.getLogger(ProxySession.class);
  static final int MAX_HOSTNAME_LENGTH = 255;
  static final int MAX_VERSION_LENGTH = 64;
  static final int MAX_FLEET_ID_LENGTH = 64;
  static final int MAX_NACK_REASON_LENGTH = 1024;
  // More than any config holds (ConfigLimits); the rest of a longer list is dropped.
  static final int MAX_FAILED_POOLS = 10_000;

  private final String peer;
  private final SessionContext fleet;
  private final FleetListener events;
  private final Clock clock;
  private final SnapshotPusher pusher;
  private final Caller caller;
  private final ProxyRequests requests;
  // Set once, by the hello, before the session is registered (and so before any push).
  private volatile ProxyRecord record;

  /**
   * @param caller who opened the stream, or null without authentication; a proxy that proved itself
   *     with a certificate may only take that certificate's name as its id
   */
  ProxySession(
      ServerCallStreamObserver<ControlMessage> stream,
      String peer,
      Caller caller,
      SessionContext fleet) {
    this.peer = peer;
    this.caller = caller;
    this.fleet = fleet;
    this.events = fleet.events();
    this.clock = fleet.clock();
    this.pusher = new SnapshotPusher(stream, this::stamp, fleet.scheduler(), fleet.answerTimeout());
    this.requests = new ProxyRequests(fleet.scheduler());
  }

  /**
   * Asks the proxy for its open connections; the answer's entries are as the proxy sent them. Fails
   * with DEADLINE_EXCEEDED after {@code timeout}, or UNAVAILABLE if the stream ends first. Only for
   * registered sessions (after hello).
   */
  CompletableFuture<ConnectionList> listConnections(
      ListConnectionsCommand command, Duration timeout) {
    return requests
        .ask(
            record.id(),
            timeout,
            ProxyMessage::hasConnections,
            id ->
                pusher.send(
                    ControlMessage.newBuilder()
                        .setListConnections(command.toBuilder().setRequestId(id))
                        .build()))
        .thenApply(ProxyMessage::getConnections);
  }

  /** Asks the proxy to close connection {@code sequence}; fails as {@link #listConnections}. */
  CompletableFuture<ConnectionCloseResult> closeConnection(long sequence, Duration timeout) {
    return requests
        .ask(
            record.id(),
            timeout,
            ProxyMessage::hasConnectionClosed,
            id ->
                pusher.send(
                    ControlMessage.newBuilder()
                        .setCloseConnection(
                            CloseConnectionCommand.newBuilder()
                                .setRequestId(id)
                                .setSequence(sequence))
                        .build()))
        .thenApply(ProxyMessage::getConnectionClosed);
  }

  String proxyId() {
    return record.id();
  }

  /** Sends {@code snapshot} if it is newer than anything this stream was offered. */
  void offer(ConfigSnapshot snapshot) {
    pusher.offer(snapshot);
  }

  /** Ends the stream from the control plane's side. */
  void close(Status status) {
    pusher.end(status);
    detach();
  }

  @Override
  public void onNext(ProxyMessage message) {
    ProxyRecord current = record;
    if (message.hasHello()) {
      hello(message.getHello());
    } else if (current == null) {
      reject(
          Status.INVALID_ARGUMENT,
          "the first message must be hello, got "
              + (message.getKindCase() == ProxyMessage.KindCase.KIND_NOT_SET
                  ? "a message of unknown kind"
                  : message.getKindCase().name().toLowerCase(Locale.ROOT)));
    } else if (message.hasAck()) {
      ack(current, message.getAck());
    } else if (message.hasApplied()) {
      applied(current, message.getApplied());
    } else if (message.hasNack()) {
      nack(current, message.getNack());
    } else if (message.hasPoolStatus()) {
      poolStatus(current, message.getPoolStatus());
    } else if (message.hasStats()) {
      stats(current, message.getStats());
    } else if (message.hasConnections()) {
      answer(current, message.getConnections().getRequestId(), message);
    } else if (message.hasConnectionClosed()) {
      answer(current, message.getConnectionClosed().getRequestId(), message);
    } else {
      log.debug(
          "proxy {} sent a message kind this control plane does not know; ignored", current.id());
    }
  }

  @Override
  public void onError(Throwable t) {
    Status status = Status.fromThrowable(t);
    if (status.getCode() == Status.Code.CANCELLED) {
      log.info("{} disconnected", who());
    } else {
      log.info("{} disconnected: {}", who(), status);
    }
    pusher.cancelled();
    detach();
  }

  @Override
  public void onCompleted() {
    log.info("{} closed its stream", who());
    pusher.end(Status.OK);
    detach();
  }

  private void hello(Hello hello) {
    if (record != null) {
      reject(Status.FAILED_PRECONDITION, "hello may be sent only once per stream");
      return;
    }
    String id = hello.getProxyId();
    Optional<String> invalid = ProxyId.problem("proxy_id", id);
    if (invalid.isPresent()) {
      reject(Status.INVALID_ARGUMENT, invalid.get());
      return;
    }
    if (caller != null
        && !caller.certificateNames().isEmpty()
        && !caller.certificateNames().contains(id)) {
      // Otherwise one proxy's certificate could report, or take over the stream, as another.
      reject(
          Status.PERMISSION_DENIED,
          "proxy_id \""
              + id
              + "\" is not a name in this "
              + "proxy's client certificate "
              + caller.certificateNames()
              + "; a proxy that presents a certificate must use its name as --id");
      return;
    }
    String problem = describeBadText("hostname", hello.getHostname(), MAX_HOSTNAME_LENGTH);
    if (problem == null) {
      problem = describeBadText("version", hello.getVersion(), MAX_VERSION_LENGTH);
    }
    if (problem == null) {
      problem = describeBadText("fleet_id", hello.getFleetId(), MAX_FLEET_ID_LENGTH);
    }
    if (problem != null) {
      reject(Status.INVALID_ARGUMENT, problem);
      return;
    }
    // Read before registering: a version committed from here on may be broadcast to this stream,
    // so applying it counts as a push.
    long newest = fleet.pools().current().getVersion();
    String fleetId = fleet.pools().current().getFleetId();
    boolean otherFleet =
        !hello.getFleetId().isEmpty() && !fleetId.isEmpty() && !hello.getFleetId().equals(fleetId);
    // Another fleet's version, or one newer than any this control plane knows, is none of this
    // control plane's versions in force: counting it would end a --wait for a version the proxy
    // is about to refuse.
    long inForce = otherFleet || hello.getConfigVersion() > newest ? 0 : hello.getConfigVersion();
    ProxyRecord current = new ProxyRecord(this, hello, peer, clock.instant(), newest, inForce);
    record = current;
    ProxyDirectory.Registration registration = fleet.directory().register(current);
    if (!registration.accepted()) {
      record = null;
      if (registration.heldBy() != null) {
        reject(
            Status.ALREADY_EXISTS,
            "proxy id "
                + id
                + " is already connected from "
                + registration.heldBy()
                + "; this stream comes from "
                + peer
                + "; give each proxy its own --id");
        return;
      }
      pusher.end(Status.UNAVAILABLE.withDescription("control plane is shutting down"));
      return;
    }
    if (registration.replaced() != null) {
      log.info("proxy {} opened a new stream; closing its previous one", id);
      ProxySession replaced = registration.replaced();
      // The directory marked it ended, so it will not report its own disconnect.
      fleet.progress().disconnected(replaced.record);
      replaced.close(Status.ABORTED.withDescription("replaced by a newer stream from proxy " + id));
    }
    fleet.progress().connected(current, inForce);
    log.info(
        "proxy {} connected from {} (host {}, weir {}, running config version {} of fleet {})",
        id,
        peer,
        hello.getHostname(),
        hello.getVersion(),
        hello.getConfigVersion(),
        hello.getFleetId().isEmpty() ? "(none)" : hello.getFleetId());
    events.proxyConnected(id);
    if (otherFleet) {
      // The proxy will refuse this store's config; only an operator can decide to take it over.
      log.warn(
          "proxy {} serves config version {} of fleet {}, but this control plane's store is "
              + "fleet {}: the proxy will refuse its config and keep serving its own until an "
              + "operator adopts the fleet (weirctl fleet adopt)",
          id,
          hello.getConfigVersion(),
          hello.getFleetId(),
          fleetId);
    } else if (hello.getConfigVersion() > newest) {
      // Usually a control plane started on a fresh or restored data dir: the proxy may refuse
      // versions older than the one it runs.
      log.warn(
          "proxy {} runs config version {}, newer than this control plane's {}",
          id,
          hello.getConfigVersion(),
          newest);
    }
    // Registered before reading the current version: a change committed meanwhile is either in
    // this snapshot or broadcast to this session.
    pusher.offer(fleet.pools().current());
  }

  private void ack(ProxyRecord current, ConfigAck ack) {
    Optional<Duration> sinceSent = current.ack(ack.getVersion(), ack.getNonce(), clock.instant());
    if (sinceSent.isEmpty()) {
      log.debug(
          "proxy {} ACKed version {} with nonce {}, which matches no send; ignored",
          current.id(),
          ack.getVersion(),
          ack.getNonce());
      return;
    }
    log.debug(
        "proxy {} ACKed config version {} after {} ms",
        current.id(),
        ack.getVersion(),
        sinceSent.get().toMillis());
    pusher.answered(ack.getNonce());
    events.snapshotAcked(current.id(), ack.getVersion(), sinceSent.get());
  }

  private void applied(ProxyRecord current, ConfigApplied applied) {
    Instant now = clock.instant();
    long version = applied.getVersion();
    List<PoolApplyFailure> failed = bounded(applied.getFailedPoolsList());
    Optional<ProxyRecord.Apply> apply =
        current.applied(
            version, applied.getNonce(), now, fleet.progress().acceptedAt(version), failed);
    if (apply.isEmpty()) {
      log.debug(
          "proxy {} applied version {} with nonce {}, which matches no send; ignored",
          current.id(),
          version,
          applied.getNonce());
      return;
    }
    Duration pushLatency = apply.get().pushLatency();
    if (pushLatency != null) {
      log.debug(
          "proxy {} applied config version {}, {} ms after it was accepted",
          current.id(),
          version,
          pushLatency.toMillis());
    }
    // An apply without an ACK before it (a proxy that skips ACKs) answers the send too.
    pusher.answered(applied.getNonce());
    fleet.progress().applied(current, version);
    events.snapshotApplied(current.id(), version, pushLatency);
    for (PoolApplyFailure failure : failed) {
      log.warn(
          "proxy {} applied config version {} without pool {}: {}",
          current.id(),
          version,
          failure.getPool(),
          failure.getReason());
      events.poolFailed(current.id(), version, failure);
    }
  }

  // The proxy's own retry bound a failed pool's listener (or it fails for another reason now).
  private void poolStatus(ProxyRecord current, PoolApplyStatus status) {
    long version = status.getConfigVersion();
    List<PoolApplyFailure> failed = bounded(status.getFailedPoolsList());
    Optional<List<PoolApplyFailure>> before = current.poolStatus(version, failed);
    if (before.isEmpty()) {
      log.debug(
          "proxy {} reported pools of version {}, not the one in force; ignored",
          current.id(),
          version);
      return;
    }
    Map<String, PoolApplyFailure> was = new HashMap<>();
    before.get().forEach(f -> was.put(f.getPool(), f));
    for (PoolApplyFailure failure : failed) {
      if (!failure.equals(was.remove(failure.getPool()))) {
        log.warn(
            "proxy {}: pool {} of config version {} is not in force: {}",
            current.id(),
            failure.getPool(),
            version,
            failure.getReason());
        events.poolFailed(current.id(), version, failure);
      }
    }
    for (PoolApplyFailure recovered : was.values()) {
      log.info(
          "proxy {}: pool {} of config version {} is in force now",
          current.id(),
          recovered.getPool(),
          version);
      events.poolRecovered(
          current.id(),
          version,
          recovered.toBuilder().clearReason().clearServingPrevious().build());
    }
  }

  // Shown to operators and kept per proxy: bounded like a NACK's reason, whatever a proxy sends.
  private static List<PoolApplyFailure> bounded(List<PoolApplyFailure> failed) {
    List<PoolApplyFailure> kept = new ArrayList<>(Math.min(failed.size(), MAX_FAILED_POOLS));
    for (PoolApplyFailure f : failed.subList(0, Math.min(failed.size(), MAX_FAILED_POOLS))) {
      kept.add(
          f.toBuilder()
              .setPool(truncate(f.getPool(), MAX_HOSTNAME_LENGTH))
              .setListen(truncate(f.getListen(), MAX_HOSTNAME_LENGTH))
              .setReason(truncate(f.getReason(), MAX_NACK_REASON_LENGTH))
              .build());
    }
    return kept;
  }

  private void nack(ProxyRecord current, ConfigNack nack) {
    // Kept until the next NACK and shown to operators: long enough for any real reason, but
    // not whatever a broken proxy sends.
    String reason = truncate(nack.getReason(), MAX_NACK_REASON_LENGTH);
    if (!current.nack(nack.getVersion(), nack.getNonce(), reason, nack.getKind())) {
      log.debug(
          "proxy {} NACKed version {} with nonce {}, which matches no send; ignored",
          current.id(),
          nack.getVersion(),
          nack.getNonce());
      return;
    }
    log.warn("proxy {} rejected config version {}: {}", current.id(), nack.getVersion(), reason);
    pusher.answered(nack.getNonce());
    events.snapshotNacked(current.id(), nack.getVersion(), reason);
  }

  private static String truncate(String text, int max) {
    if (text.length() <= max) {
      return text;
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.substring(0, end) + "…";
  }

  private void answer(ProxyRecord current, long requestId, ProxyMessage message) {
    if (!requests.answer(requestId, message)) {
      log.debug(
          "proxy {} answered request {}, which is not outstanding (late?); ignored",
          current.id(),
          requestId);
    }
  }

  private void stats(ProxyRecord current, StatsReport report) {
    Set<String> known =
        fleet.pools().current().getPoolsList().stream()
            .map(Pool::getName)
            .collect(Collectors.toSet());
    ReportFilter filter = ReportFilter.filter(report, known);
    if (filter.dropped() > 0) {
      // Once per report at most, so a lying proxy costs one line per stats interval.
      log.warn(
          "proxy {} sent {} stats entries that cannot be true; ignored them ({}{})",
          current.id(),
          filter.dropped(),
          filter.firstReason(),
          filter.dropped() > 1 ? ", ..." : "");
    }
    StatsReport filtered = filter.kept();
    current.report(filtered, clock.instant());
    events.statsReported(current.id(), filtered);
  }

  /**
   * Why a Hello text field cannot be kept, or null if it can. Both are shown to operators, so they
   * are bounded and free of control characters (which could rewrite a terminal).
   */
  private static String describeBadText(String field, String value, int maxLength) {
    if (value.length() > maxLength) {
      return field + " must be at most " + maxLength + " characters, got " + value.length();
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return String.format(
            "%s must not contain control characters, got U+%04X at index %d",
            field, (int) value.charAt(i), i);
      }
    }
    return null;
  }

  private ConfigSnapshot stamp(ConfigSnapshot snapshot) {
    String nonce = UUID.randomUUID().toString();
    record.sent(snapshot.getVersion(), snapshot.getFleetId(), nonce, clock.instant());
    return snapshot.toBuilder().setNonce(nonce).build();
  }

  private void reject(Status status, String description) {
    log.info("closing stream from {}: {}", who(), description);
    close(status.withDescription(description));
  }

  private void detach() {
    requests.end("is not connected");
    ProxyRecord current = record;
    if (current != null && current.disconnect(clock.instant())) {
      fleet.progress().disconnected(current);
      events.proxyDisconnected(current.id());
    }
  }

  private String who() {
    ProxyRecord current = record;
    return current != null ? "proxy " + current.id() : "unidentified stream from " + peer;
  }
}
