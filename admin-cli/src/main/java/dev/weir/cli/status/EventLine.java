package dev.weir.cli.status;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.HealthEvent;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.Revision;
import dev.weir.cli.output.ApiJson;
import dev.weir.cli.output.Latencies;
import dev.weir.cli.output.ProtoTimes;
import dev.weir.cli.output.TerminalText;
import dev.weir.cli.pool.BackendCells;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * How {@code weirctl watch} prints a FleetEvent: for people, a line of time, kind, subject and
 * details, in columns; for scripts, the message as one line of proto3 JSON. A line for people:
 *
 * <pre>
 * 2030-01-01T00:00:00.250Z  health    web 10.0.0.5:80  healthy -> unhealthy
 * </pre>
 */
final class EventLine {

  // Fixed width, unlike ISO_INSTANT, which drops a zero fraction.
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private EventLine() {}

  /** The event as one line of JSON: JSON Lines. */
  static String json(FleetEvent event) {
    return ApiJson.compact(event);
  }

  /**
   * The event's lines for people: a "missed" line first when the control plane skipped events for
   * this watcher, then the event's own.
   */
  static List<String> human(FleetEvent event) {
    String time = time(event);
    // Names and reasons come from the control plane and the proxies: escaped for the terminal.
    String line = time + "  " + TerminalText.escape(describe(event));
    if (event.getMissed() == 0) {
      return List.of(line);
    }
    String missed =
        line(time, "missed", event.getMissed() + " events skipped: this watcher read too slowly");
    return List.of(missed, line);
  }

  private static String describe(FleetEvent event) {
    return switch (event.getKindCase()) {
      case REVISION -> revision(event.getRevision());
      case PROXY -> proxy(event.getProxy());
      case HEALTH -> health(event.getHealth());
      case DRAIN -> drain(event.getDrain());
      // A kind newer than this CLI: -o json shows it whole.
      default -> kind("event") + "of a kind this weirctl does not know; see -o json";
    };
  }

  private static String revision(Revision revision) {
    String diff = String.join("; ", revision.getDiff().strip().lines().map(String::strip).toList());
    return kind("revision")
        + "v"
        + Long.toUnsignedString(revision.getVersion())
        + "  "
        + revision.getOperation()
        + " by "
        + revision.getActor()
        + (diff.isEmpty() ? "" : ": " + diff);
  }

  private static String proxy(ProxyEvent event) {
    String version = "v" + Long.toUnsignedString(event.getConfigVersion());
    String details =
        switch (event.getKind()) {
          case CONNECTED -> "connected";
          case DISCONNECTED -> "disconnected";
          case ACKED -> "acked " + version;
          case APPLIED -> "applied " + version + pushLatency(event);
          case NACKED -> "nacked " + version + ": " + event.getDetail();
          case POOL_FAILED ->
              "pool "
                  + event.getPoolFailure().getPool()
                  + " failed "
                  + version
                  + ": "
                  + event.getPoolFailure().getReason();
          case POOL_RECOVERED ->
              "pool "
                  + event.getPoolFailure().getPool()
                  + " in force "
                  + version
                  + (event.getPoolFailure().getListen().isEmpty()
                      ? ""
                      : " on " + event.getPoolFailure().getListen());
          default -> event.getKind().name().toLowerCase(Locale.ROOT) + " " + version;
        };
    // Another replica's proxy says so; the watcher's own replica's proxies read as they always
    // did.
    String replica = event.getReplica().isEmpty() ? "" : " (replica " + event.getReplica() + ")";
    return kind("proxy") + event.getProxyId() + replica + "  " + details;
  }

  private static String pushLatency(ProxyEvent event) {
    return event.hasPushLatency()
        ? " in " + Latencies.format(Durations.toMicros(event.getPushLatency()))
        : "";
  }

  private static String health(HealthEvent event) {
    return kind("health")
        + event.getPool()
        + " "
        + event.getBackend()
        + "  "
        + orUnknown(BackendCells.fleetHealth(event.getPrevious()))
        + " -> "
        + orUnknown(BackendCells.fleetHealth(event.getHealth()));
  }

  private static String drain(DrainEvent event) {
    String progress = BackendCells.drain(event.getStatus());
    return kind("drain")
        + event.getPool()
        + " "
        + event.getBackend()
        + "  "
        + (progress.isEmpty() ? "not draining" : progress);
  }

  private static String orUnknown(String health) {
    return health.isEmpty() ? "unknown" : health;
  }

  // Kinds padded to one width, so subjects line up in a scrolling terminal.
  private static String kind(String kind) {
    return String.format("%-10s", kind);
  }

  private static String line(String time, String kind, String details) {
    return time + "  " + kind(kind) + details;
  }

  // UTC to the millisecond, as logs print it; an event without a time (an older control plane)
  // gets "-" so the columns still line up for awk.
  private static String time(FleetEvent event) {
    if (!event.hasTime()) {
      return "-";
    }
    return TIME.format(ProtoTimes.instant(event.getTime()));
  }
}
