package dev.weir.proxy.config;

import com.google.protobuf.Duration;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.api.v1.Tuning;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import dev.weir.proxy.config.PoolOptions.OutlierOptions;

/**
 * Reads a pool's {@link PoolSettings} into {@link PoolOptions}: fills in defaults and rejects
 * values out of the documented ranges, naming the field.
 */
final class SettingsParser {

  private static final java.time.Duration MAX_DURATION = java.time.Duration.ofDays(7);
  private static final int MIN_BUFFER_BYTES = 1024;

  private final String where;

  private SettingsParser(String where) {
    this.where = where;
  }

  static PoolOptions parse(String where, PoolSettings settings, int backendCount)
      throws InvalidConfigException {
    return new SettingsParser(where).parse(settings, backendCount);
  }

  private PoolOptions parse(PoolSettings s, int backendCount) throws InvalidConfigException {
    Limits limits = s.getLimits();
    Tuning tuning = s.getTuning();
    int low = orDefault(tuning.getWriteBufferLowBytes(),
        PoolOptions.DEFAULT_WRITE_BUFFER_LOW_BYTES);
    int high = orDefault(tuning.getWriteBufferHighBytes(),
        PoolOptions.DEFAULT_WRITE_BUFFER_HIGH_BYTES);
    if (low < MIN_BUFFER_BYTES || high > SnapshotValidator.MAX_BUFFER_BYTES) {
      throw invalid("settings.tuning.write_buffer_low_bytes and write_buffer_high_bytes must be "
          + MIN_BUFFER_BYTES + ".." + SnapshotValidator.MAX_BUFFER_BYTES + ", got " + low
          + " and " + high);
    }
    int socketBuffer = tuning.getSocketBufferBytes();
    if (socketBuffer < 0 || socketBuffer > SnapshotValidator.MAX_BUFFER_BYTES) {
      throw invalid("settings.tuning.socket_buffer_bytes must be 0.."
          + SnapshotValidator.MAX_BUFFER_BYTES + ", got " + Integer.toUnsignedString(socketBuffer));
    }
    if (low >= high) {
      throw invalid("settings.tuning.write_buffer_low_bytes (" + low
          + ") must be below write_buffer_high_bytes (" + high + ")");
    }
    int tableSize = orDefault(s.getMaglevTableSize(), PoolOptions.DEFAULT_MAGLEV_TABLE_SIZE);
    if (!isPrime(tableSize) || tableSize > 1_000_003 || tableSize < backendCount) {
      throw invalid("settings.maglev_table_size must be a prime, at least the number of"
          + " backends (" + backendCount + ") and at most 1000003, got " + tableSize);
    }
    java.time.Duration connectTimeout = duration("settings.limits.connect_timeout",
        limits.getConnectTimeout());
    int proxyHeader = proxyHeaderVersion(s.getProxyProtocol().getSend());
    return new PoolOptions(
        s.hasHealthCheck() ? healthCheck(s.getHealthCheck(), proxyHeader) : null,
        s.hasOutlierDetection() ? outlier(s.getOutlierDetection()) : OutlierOptions.DEFAULTS,
        duration("settings.slow_start", s.getSlowStart()),
        cap(limits.getMaxConnections()),
        cap(limits.getMaxConnectionsPerBackend()),
        connectTimeout.isZero() ? null : connectTimeout,
        duration("settings.limits.idle_timeout", limits.getIdleTimeout()),
        duration("settings.drain_timeout", s.getDrainTimeout()),
        socketBuffer,
        low,
        high,
        tableSize,
        proxyHeader,
        s.getProxyProtocol().getAccept());
  }

  private int proxyHeaderVersion(ProxyProtocolVersion version) throws InvalidConfigException {
    return switch (version) {
      case PROXY_PROTOCOL_OFF -> 0;
      case PROXY_PROTOCOL_V1 -> 1;
      case PROXY_PROTOCOL_V2 -> 2;
      default -> throw invalid("settings.proxy_protocol.send must be PROXY_PROTOCOL_OFF,"
          + " PROXY_PROTOCOL_V1 or PROXY_PROTOCOL_V2, got " + version);
    };
  }

  private HealthCheckOptions healthCheck(HealthCheck h, int proxyHeader)
      throws InvalidConfigException {
    boolean http = switch (h.getKind()) {
      case TCP -> false;
      case HTTP -> true;
      default -> throw invalid("settings.health_check.kind must be TCP or HTTP, got "
          + h.getKind());
    };
    java.time.Duration interval = duration("settings.health_check.interval", h.getInterval());
    interval = interval.isZero() ? java.time.Duration.ofSeconds(5) : interval;
    java.time.Duration timeout = duration("settings.health_check.timeout", h.getTimeout());
    timeout = timeout.isZero() ? java.time.Duration.ofSeconds(2) : timeout;
    if (timeout.compareTo(interval) > 0) {
      timeout = interval;
    }
    String path = h.getHttpPath().isEmpty() ? "/" : h.getHttpPath();
    if (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw invalid("settings.health_check.http_path must start with \"/\" and contain no spaces"
          + " or control characters, got \"" + path + "\"");
    }
    if (h.getHttpHost().chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw invalid("settings.health_check.http_host must contain no spaces or control"
          + " characters");
    }
    return new HealthCheckOptions(http, interval, timeout, orDefault(h.getRise(), 2),
        orDefault(h.getFall(), 3), h.getJitterPercent() == 0 ? 10 : Math.min(50,
            h.getJitterPercent()), path, orDefault(h.getHttpExpectedStatus(), 200),
        h.getHttpHost(), proxyHeader);
  }

  private OutlierOptions outlier(OutlierDetection o) throws InvalidConfigException {
    OutlierOptions d = OutlierOptions.DEFAULTS;
    java.time.Duration base = duration("settings.outlier_detection.base_ejection_time",
        o.getBaseEjectionTime());
    java.time.Duration max = duration("settings.outlier_detection.max_ejection_time",
        o.getMaxEjectionTime());
    if (o.getMaxEjectionPercent() > 100) {
      throw invalid("settings.outlier_detection.max_ejection_percent must be 0..100, got "
          + o.getMaxEjectionPercent());
    }
    return new OutlierOptions(
        !o.getDisabled(),
        orDefault(o.getConsecutiveFailures(), d.consecutiveFailures()),
        base.isZero() ? d.baseEjection() : base,
        max.isZero() ? d.maxEjection() : max,
        o.getMaxEjectionPercent() == 0 ? d.maxEjectionPercent() : o.getMaxEjectionPercent());
  }

  private java.time.Duration duration(String field, Duration d) throws InvalidConfigException {
    if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getNanos() > 999_999_999) {
      throw invalid(field + " must be a positive duration, got " + d.getSeconds() + "s "
          + d.getNanos() + "ns");
    }
    java.time.Duration value = java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos());
    if (value.compareTo(MAX_DURATION) > 0) {
      throw invalid(field + " must be at most 7d, got " + value);
    }
    return value;
  }

  private InvalidConfigException invalid(String message) {
    return new InvalidConfigException(where + ": " + message);
  }

  /** A uint32 cap from the wire: beyond int range it is as good as none. */
  private static int cap(int value) {
    return value < 0 ? Integer.MAX_VALUE : value;
  }

  private static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : value;
  }

  private static boolean isPrime(int n) {
    if (n < 2) {
      return false;
    }
    for (int d = 2; (long) d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
