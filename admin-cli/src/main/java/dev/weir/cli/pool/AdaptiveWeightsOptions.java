package dev.weir.cli.pool;

import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.PercentConverter;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --adaptive-*} flags: PoolSettings.adaptive_weights, the control plane moving each
 * backend's share from what the proxies report about it.
 */
final class AdaptiveWeightsOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--adaptive-weights",
      order = 70,
      description =
          "Turns them on: a backend with slower connects, more failures or more connections per "
              + "weight than its peers gets less.")
  private void enable(boolean on) {
    adaptive("enabled").setEnabled(on);
  }

  // Without it, pool set could turn them on but never back off.
  @Option(
      names = "--no-adaptive-weights",
      order = 71,
      description = "Turns them off; proxies go back to the configured weights.")
  private void disable(boolean off) {
    adaptive("enabled").setEnabled(!off);
  }

  @Option(
      names = "--adaptive-min-percent",
      order = 72,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description = "The lowest effective weight, as a share of the configured one (default 10).")
  private void minPercent(int percent) {
    adaptive("min_percent").setMinPercent(percent);
  }

  @Option(
      names = "--adaptive-max-percent",
      order = 73,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description = "The highest effective weight, as a share of the configured one (default 200).")
  private void maxPercent(int percent) {
    adaptive("max_percent").setMaxPercent(percent);
  }

  @Option(
      names = "--adaptive-interval",
      order = 74,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "How often effective weights are recomputed (default 10s).")
  private void interval(Duration interval) {
    adaptive("interval").setInterval(DurationText.toProto(interval));
  }

  private AdaptiveWeights.Builder adaptive(String field) {
    return edit.set("adaptive_weights." + field).getAdaptiveWeightsBuilder();
  }

  SettingsEdit edit() {
    return edit;
  }
}
