package dev.weir.api.rules;

import com.google.protobuf.Duration;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Tuning;

/**
 * The ranges of a pool's {@link PoolSettings} outside of which a proxy cannot honour them. Zero
 * always means "the default"; the defaults themselves are the proxy's to apply.
 */
final class SettingsCheck {
  static final int DEFAULT_WRITE_BUFFER_LOW_BYTES = 32 << 10;
  static final int DEFAULT_WRITE_BUFFER_HIGH_BYTES = 64 << 10;
  static final int DEFAULT_MAGLEV_TABLE_SIZE = 65_537;
  static final int MAX_MAGLEV_TABLE_SIZE = 1_000_003;
  private static final long MAX_DURATION_SECONDS = 7 * 86_400;
  private static final int MIN_BUFFER_BYTES = 1024;
  private static final long MIN_RESPONSE_TIMEOUT_SECONDS = 1;
  private static final long MAX_RESPONSE_TIMEOUT_SECONDS = 3600;

  private final String where;

  private SettingsCheck(String where) {
    this.where = where;
  }

  /**
   * @param where how errors name the pool, e.g. {@code "pool web"}
   */
  static void check(String where, PoolSettings settings, int backendCount) throws RuleViolation {
    new SettingsCheck(where).check(settings, backendCount);
  }

  private void check(PoolSettings s, int backendCount) throws RuleViolation {
    tuning(s.getTuning());
    int tableSize = orDefault(s.getMaglevTableSize(), DEFAULT_MAGLEV_TABLE_SIZE);
    if (!SnapshotRules.isPrime(Integer.toUnsignedLong(tableSize))
        || Integer.compareUnsigned(tableSize, MAX_MAGLEV_TABLE_SIZE) > 0
        || tableSize < backendCount) {
      throw invalid(
          "settings.maglev_table_size must be a prime, at least the number of"
              + " backends ("
              + backendCount
              + ") and at most "
              + MAX_MAGLEV_TABLE_SIZE
              + ", got "
              + Integer.toUnsignedString(tableSize));
    }
    duration("settings.limits.connect_timeout", s.getLimits().getConnectTimeout());
    duration("settings.limits.idle_timeout", s.getLimits().getIdleTimeout());
    duration("settings.slow_start", s.getSlowStart());
    duration("settings.drain_timeout", s.getDrainTimeout());
    switch (s.getProxyProtocol().getSend()) {
      case PROXY_PROTOCOL_OFF, PROXY_PROTOCOL_V1, PROXY_PROTOCOL_V2 -> {}
      default ->
          throw invalid(
              "settings.proxy_protocol.send must be PROXY_PROTOCOL_OFF,"
                  + " PROXY_PROTOCOL_V1 or PROXY_PROTOCOL_V2, got "
                  + s.getProxyProtocol().getSendValue());
    }
    if (s.hasHealthCheck()) {
      healthCheck(s.getHealthCheck());
    }
    if (s.hasOutlierDetection()) {
      outlier(s.getOutlierDetection());
    }
  }

  private void tuning(Tuning tuning) throws RuleViolation {
    int low = orDefault(tuning.getWriteBufferLowBytes(), DEFAULT_WRITE_BUFFER_LOW_BYTES);
    int high = orDefault(tuning.getWriteBufferHighBytes(), DEFAULT_WRITE_BUFFER_HIGH_BYTES);
    if (low < MIN_BUFFER_BYTES || high > SnapshotRules.MAX_BUFFER_BYTES) {
      throw invalid(
          "settings.tuning.write_buffer_low_bytes and write_buffer_high_bytes must be "
              + MIN_BUFFER_BYTES
              + ".."
              + SnapshotRules.MAX_BUFFER_BYTES
              + ", got "
              + low
              + " and "
              + high);
    }
    int socketBuffer = tuning.getSocketBufferBytes();
    if (socketBuffer < 0 || socketBuffer > SnapshotRules.MAX_BUFFER_BYTES) {
      throw invalid(
          "settings.tuning.socket_buffer_bytes must be 0.."
              + SnapshotRules.MAX_BUFFER_BYTES
              + ", got "
              + Integer.toUnsignedString(socketBuffer));
    }
    if (low >= high) {
      throw invalid(
          "settings.tuning.write_buffer_low_bytes ("
              + low
              + ") must be below write_buffer_high_bytes ("
              + high
              + ")");
    }
  }

  private void healthCheck(HealthCheck h) throws RuleViolation {
    switch (h.getKind()) {
      case TCP, HTTP -> {}
      default ->
          throw invalid("settings.health_check.kind must be TCP or HTTP, got " + h.getKind());
    }
    duration("settings.health_check.interval", h.getInterval());
    duration("settings.health_check.timeout", h.getTimeout());
    String path = h.getHttpPath();
    if (!path.isEmpty()
        && (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c == 0x7f))) {
      throw invalid(
          "settings.health_check.http_path must start with \"/\" and contain no spaces"
              + " or control characters, got \""
              + path
              + "\"");
    }
    if (h.getHttpHost().chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw invalid(
          "settings.health_check.http_host must contain no spaces or control" + " characters");
    }
  }

  private void outlier(OutlierDetection o) throws RuleViolation {
    duration("settings.outlier_detection.base_ejection_time", o.getBaseEjectionTime());
    duration("settings.outlier_detection.max_ejection_time", o.getMaxEjectionTime());
    if (Integer.compareUnsigned(o.getMaxEjectionPercent(), 100) > 0) {
      throw invalid(
          "settings.outlier_detection.max_ejection_percent must be 0..100, got "
              + Integer.toUnsignedString(o.getMaxEjectionPercent()));
    }
    Duration response = o.getResponseTimeout();
    duration("settings.outlier_detection.response_timeout", response);
    boolean off = response.getSeconds() == 0 && response.getNanos() == 0;
    if (!off
        && (response.getSeconds() < MIN_RESPONSE_TIMEOUT_SECONDS
            || response.getSeconds() > MAX_RESPONSE_TIMEOUT_SECONDS
            || response.getSeconds() == MAX_RESPONSE_TIMEOUT_SECONDS && response.getNanos() > 0)) {
      throw invalid(
          "settings.outlier_detection.response_timeout must be 0 (off) or 1s..1h, got "
              + java.time.Duration.ofSeconds(response.getSeconds(), response.getNanos()));
    }
  }

  private void duration(String field, Duration d) throws RuleViolation {
    if (d.getSeconds() < 0 || d.getNanos() < 0 || d.getNanos() > 999_999_999) {
      throw invalid(
          field
              + " must be a positive duration, got "
              + d.getSeconds()
              + "s "
              + d.getNanos()
              + "ns");
    }
    if (d.getSeconds() > MAX_DURATION_SECONDS
        || (d.getSeconds() == MAX_DURATION_SECONDS && d.getNanos() > 0)) {
      throw invalid(
          field
              + " must be at most 7d, got "
              + java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos()));
    }
  }

  private RuleViolation invalid(String message) {
    return new RuleViolation(where + ": " + message);
  }

  private static int orDefault(int value, int fallback) {
    return value == 0 ? fallback : value;
  }
}
