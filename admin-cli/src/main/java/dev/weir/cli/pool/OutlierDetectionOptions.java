package dev.weir.cli.pool;

import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.CountConverter;
import dev.weir.cli.args.PercentConverter;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --outlier-*} flags and {@code --response-timeout}: PoolSettings.outlier_detection,
 * ejection on connect failures and unanswered connections.
 */
final class OutlierDetectionOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--outlier-failures",
      order = 20,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Connect failures in a row that eject a backend (default 5).")
  private void failures(int failures) {
    detection("consecutive_failures").setConsecutiveFailures(failures);
  }

  @Option(
      names = "--outlier-base-ejection",
      order = 21,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "The first ejection; the n-th lasts n times as long (default 10s).")
  private void baseEjection(Duration time) {
    detection("base_ejection_time").setBaseEjectionTime(DurationText.toProto(time));
  }

  @Option(
      names = "--outlier-max-ejection",
      order = 22,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "The longest ejection (default 5m).")
  private void maxEjection(Duration time) {
    detection("max_ejection_time").setMaxEjectionTime(DurationText.toProto(time));
  }

  @Option(
      names = "--outlier-max-percent",
      order = 23,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description = "The most of the pool's backends ejected at once (default 50).")
  private void maxPercent(int percent) {
    detection("max_ejection_percent").setMaxEjectionPercent(percent);
  }

  @Option(
      names = "--response-timeout",
      order = 24,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description =
          "Counts a connection as failed when the backend sends nothing this long after"
              + " the client's first bytes (1s..1h; default 0: off). For protocols that answer"
              + " every request, not long polls.")
  private void responseTimeout(Duration timeout) {
    detection("response_timeout").setResponseTimeout(DurationText.toProto(timeout));
  }

  @Option(
      names = "--no-outlier-detection",
      order = 25,
      description = "Turns outlier detection off.")
  private void disable(boolean given) {
    detection("disabled").setDisabled(true);
  }

  // Without it, pool set could turn detection off but never back on.
  @Option(names = "--outlier-detection", order = 26, description = "Turns it back on.")
  private void enable(boolean given) {
    detection("disabled").setDisabled(false);
  }

  private OutlierDetection.Builder detection(String field) {
    return edit.set("outlier_detection." + field).getOutlierDetectionBuilder();
  }

  SettingsEdit edit() {
    return edit;
  }
}
