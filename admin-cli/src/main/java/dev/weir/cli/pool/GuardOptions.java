package dev.weir.cli.pool;

import dev.weir.cli.args.CountConverter;
import dev.weir.cli.args.PercentConverter;
import picocli.CommandLine.Option;

/** The flags for PoolSettings.guards: changes that would leave the pool too thin need --force. */
final class GuardOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--min-healthy",
      order = 50,
      paramLabel = "N",
      converter = CountConverter.class,
      description =
          "Refuse a change that leaves fewer ACTIVE backends not unhealthy fleet-wide "
              + "(default 0: no minimum).")
  private void minHealthy(int backends) {
    edit.set("guards.min_healthy_backends").getGuardsBuilder().setMinHealthyBackends(backends);
  }

  @Option(
      names = "--max-drain-percent",
      order = 51,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description =
          "Refuse a change that leaves more of the backends DRAINING (default 0: no limit).")
  private void maxDrainPercent(int percent) {
    edit.set("guards.max_drain_percent").getGuardsBuilder().setMaxDrainPercent(percent);
  }

  SettingsEdit edit() {
    return edit;
  }
}
