package dev.weir.cli.pool;

import dev.weir.api.v1.Limits;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.CountConverter;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The flags about client and backend connections: PoolSettings.limits, slow_start and
 * drain_timeout.
 */
final class ConnectionOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--max-connections",
      order = 30,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Open client connections per proxy; more are refused (default 0: no limit).")
  private void maxConnections(int max) {
    limits("max_connections").setMaxConnections(max);
  }

  @Option(
      names = "--max-connections-per-backend",
      order = 31,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Open connections to one backend per proxy (default 0: no limit).")
  private void maxConnectionsPerBackend(int max) {
    limits("max_connections_per_backend").setMaxConnectionsPerBackend(max);
  }

  @Option(
      names = "--connect-timeout",
      order = 32,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "To connect to a backend before trying another (default: the proxy's).")
  private void connectTimeout(Duration timeout) {
    limits("connect_timeout").setConnectTimeout(DurationText.toProto(timeout));
  }

  @Option(
      names = "--idle-timeout",
      order = 33,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "Closes a connection silent both ways this long (default: never).")
  private void idleTimeout(Duration timeout) {
    limits("idle_timeout").setIdleTimeout(DurationText.toProto(timeout));
  }

  @Option(
      names = "--slow-start",
      order = 34,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "Ramps a new or recovered backend's share up over this long (default: none).")
  private void slowStart(Duration window) {
    edit.set("slow_start").setSlowStart(DurationText.toProto(window));
  }

  @Option(
      names = "--drain-timeout",
      order = 35,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "Closes a draining backend's connections after this long (default: never).")
  private void drainTimeout(Duration timeout) {
    edit.set("drain_timeout").setDrainTimeout(DurationText.toProto(timeout));
  }

  private Limits.Builder limits(String field) {
    return edit.set("limits." + field).getLimitsBuilder();
  }

  SettingsEdit edit() {
    return edit;
  }
}
