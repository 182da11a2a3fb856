package dev.weir.proxy.config;

import com.google.protobuf.Duration;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Tuning;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import dev.weir.proxy.config.PoolOptions.OutlierOptions;

/**
 * Reads a pool's {@link PoolSettings} into {@link PoolOptions}, filling in defaults. The ranges are
 * {@link dev.weir.api.rules.SnapshotRules}' to check, before this runs.
 */
final class SettingsParser {

  private SettingsParser() {}

  static PoolOptions parse(PoolSettings s) {
    Limits limits = s.getLimits();
    Tuning tuning = s.getTuning();
    java.time.Duration connectTimeout = duration(limits.getConnectTimeout());
    int proxyHeader = s.getProxyProtocol().getSendValue();
    return new PoolOptions(
        s.hasHealthCheck() ? healthCheck(s.getHealthCheck(), proxyHeader) : null,
        s.hasOutlierDetection() ? outlier(s.getOutlierDetection()) : OutlierOptions.DEFAULTS,
        duration(s.getSlowStart()),
        cap(limits.getMaxConnections()),
        cap(limits.getMaxConnectionsPerBackend()),
        connectTimeout.isZero() ? null : connectTimeout,
        duration(limits.getIdleTimeout()),
        duration(s.getDrainTimeout()),
        tuning.getSocketBufferBytes(),
        orDefault(tuning.getWriteBufferLowBytes(), PoolOptions.DEFAULT_WRITE_BUFFER_LOW_BYTES),
        orDefault(tuning.getWriteBufferHighBytes(), PoolOptions.DEFAULT_WRITE_BUFFER_HIGH_BYTES),
        orDefault(s.getMaglevTableSize(), PoolOptions.DEFAULT_MAGLEV_TABLE_SIZE),
        proxyHeader,
        s.getProxyProtocol().getAccept(),
        PoolOptions.DEFAULT_PROXY_HEADER_TIMEOUT,
        PoolOptions.DEFAULT_CONNECT_HEAD_TIMEOUT);
  }

  private static HealthCheckOptions healthCheck(HealthCheck h, int proxyHeader) {
    java.time.Duration interval = duration(h.getInterval());
    interval = interval.isZero() ? java.time.Duration.ofSeconds(5) : interval;
    java.time.Duration timeout = duration(h.getTimeout());
    timeout = timeout.isZero() ? java.time.Duration.ofSeconds(2) : timeout;
    if (timeout.compareTo(interval) > 0) {
      timeout = interval;
    }
    String path = h.getHttpPath().isEmpty() ? "/" : h.getHttpPath();
    return new HealthCheckOptions(
        h.getKind() == HealthCheck.Kind.HTTP,
        interval,
        timeout,
        orDefault(h.getRise(), 2),
        orDefault(h.getFall(), 3),
        h.getJitterPercent() == 0 ? 10 : Math.min(50, h.getJitterPercent()),
        path,
        orDefault(h.getHttpExpectedStatus(), 200),
        h.getHttpHost(),
        proxyHeader);
  }

  private static OutlierOptions outlier(OutlierDetection o) {
    OutlierOptions d = OutlierOptions.DEFAULTS;
    java.time.Duration base = duration(o.getBaseEjectionTime());
    java.time.Duration max = duration(o.getMaxEjectionTime());
    return new OutlierOptions(
        !o.getDisabled(),
        orDefault(o.getConsecutiveFailures(), d.consecutiveFailures()),
        base.isZero() ? d.baseEjection() : base,
        max.isZero() ? d.maxEjection() : max,
        o.getMaxEjectionPercent() == 0 ? d.maxEjectionPercent() : o.getMaxEjectionPercent(),
        duration(o.getResponseTimeout()));
  }

  private static java.time.Duration duration(Duration d) {
    return java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  /** A uint32 cap from the wire: beyond int range it is as good as none. */
  private static int cap(int value) {
    return value < 0 ? Integer.MAX_VALUE : value;
  }

  private static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : value;
  }
}
