package dev.weir.cli.pool;

import dev.weir.cli.args.PercentConverter;
import picocli.CommandLine.Option;

/**
 * The flag for PoolSettings.health_quorum_percent: how the control plane turns the proxies'
 * separate verdicts on a backend into one fleet-wide health, the health guards count.
 */
final class FleetHealthOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--health-quorum",
      order = 60,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description =
          "Of the proxies judging a backend, the share that must see it failing checks or "
              + "ejected for it to be unhealthy fleet-wide (default 50).")
  private void quorum(int percent) {
    edit.set("health_quorum_percent").setHealthQuorumPercent(percent);
  }

  SettingsEdit edit() {
    return edit;
  }
}
