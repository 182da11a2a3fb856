package dev.weir.cli.pool;

import dev.weir.api.v1.HealthCheck;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.CountConverter;
import dev.weir.cli.args.PercentConverter;
import dev.weir.cli.args.SettingDurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --health-*} flags: PoolSettings.health_check, the proxies' active probes. */
final class HealthCheckOptions {

  private final SettingsEdit edit = new SettingsEdit();
  private boolean turnedOff;
  private int configured;

  @Option(
      names = "--health-check",
      order = 10,
      paramLabel = "KIND",
      converter = HealthCheckKinds.Converter.class,
      completionCandidates = HealthCheckKinds.Names.class,
      description = "tcp, http, or none to turn active checks off (the default).")
  private void kind(HealthCheck.Kind kind) {
    if (kind == HealthCheck.Kind.KIND_UNSPECIFIED) {
      turnedOff = true;
      edit.clear("health_check");
    } else {
      check("kind").setKind(kind);
    }
  }

  @Option(
      names = "--health-interval",
      order = 11,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "Between probes of one backend (default 5s).")
  private void interval(Duration interval) {
    check("interval").setInterval(DurationText.toProto(interval));
  }

  @Option(
      names = "--health-timeout",
      order = 12,
      paramLabel = "DURATION",
      converter = SettingDurationConverter.class,
      description = "For one probe (default 2s).")
  private void timeout(Duration timeout) {
    check("timeout").setTimeout(DurationText.toProto(timeout));
  }

  @Option(
      names = "--health-rise",
      order = 13,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Successes in a row that make a backend healthy (default 2).")
  private void rise(int rise) {
    check("rise").setRise(rise);
  }

  @Option(
      names = "--health-fall",
      order = 14,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Failures in a row that make a backend unhealthy (default 3).")
  private void fall(int fall) {
    check("fall").setFall(fall);
  }

  @Option(
      names = "--health-jitter",
      order = 15,
      paramLabel = "PERCENT",
      converter = PercentConverter.class,
      description = "Random shift of each interval, so a fleet's probes spread out (default 10).")
  private void jitter(int percent) {
    check("jitter_percent").setJitterPercent(percent);
  }

  @Option(
      names = "--health-path",
      order = 16,
      paramLabel = "PATH",
      description = "http: the request path (default /).")
  private void path(String path) {
    check("http_path").setHttpPath(path);
  }

  @Option(
      names = "--health-status",
      order = 17,
      paramLabel = "CODE",
      converter = CountConverter.class,
      description = "http: the status that means healthy (default 200).")
  private void status(int status) {
    check("http_expected_status").setHttpExpectedStatus(status);
  }

  @Option(
      names = "--health-host",
      order = 18,
      paramLabel = "HOST",
      description = "http: the Host header (default: the backend's address).")
  private void host(String host) {
    check("http_host").setHttpHost(host);
  }

  private HealthCheck.Builder check(String field) {
    configured++;
    return edit.set("health_check." + field).getHealthCheckBuilder();
  }

  SettingsEdit edit() {
    return edit;
  }

  /** True for {@code --health-check none} together with flags that configure a check. */
  boolean contradicts() {
    return turnedOff && configured > 0;
  }
}
