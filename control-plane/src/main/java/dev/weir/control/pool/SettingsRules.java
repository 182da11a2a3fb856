package dev.weir.control.pool;

import com.google.protobuf.Duration;
import dev.weir.api.rules.RuleViolation;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.rules.TlsRoutingRules;
import dev.weir.api.rules.TlsTerminationRules;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.api.v1.Tuning;
import dev.weir.api.wire.HostPort;
import java.util.HashSet;
import java.util.Set;

/**
 * The ranges config.proto documents for {@link PoolSettings}. Zero or unset always means "the
 * default" and is stored as such, so a later change of a default reaches every pool that did not
 * choose a value. The Maglev table size depends on the backends and is checked by {@link
 * MaglevRules}.
 */
public final class SettingsRules {
  static final int MAX_HTTP_PATH_LENGTH = 1024;
  static final int MAX_HTTP_HOST_LENGTH = 255;
  // Defaults the proxies apply; needed where a rule compares a set field with an unset one.
  static final Duration DEFAULT_HEALTH_INTERVAL = DurationRules.seconds(5);
  static final int DEFAULT_WRITE_BUFFER_LOW = 32 << 10;
  static final int DEFAULT_WRITE_BUFFER_HIGH = 64 << 10;

  private static final String HC = "settings.health_check.";
  private static final String OD = "settings.outlier_detection.";
  private static final String LIMITS = "settings.limits.";
  private static final String TUNING = "settings.tuning.";
  private static final String GUARDS = "settings.guards.";
  private static final String HTTP_CONNECT = "settings.http_connect.";
  static final int MAX_CONNECT_AUTHORITIES = SnapshotRules.MAX_CONNECT_AUTHORITIES;
  static final int MAX_AUTHORITY_LENGTH = SnapshotRules.MAX_AUTHORITY_LENGTH;

  private SettingsRules() {}

  /**
   * Checks every field and returns the settings in normal form: zero durations and empty messages
   * left out, so equal intent compares equal. The result may be the default instance.
   */
  public static PoolSettings settings(PoolSettings settings) {
    MessageForm.rejectUnknownFields("settings", settings);
    if (settings.hasHealthCheck()) {
      healthCheck(settings.getHealthCheck());
    }
    if (settings.hasOutlierDetection()) {
      outlierDetection(settings.getOutlierDetection());
    }
    DurationRules.check(
        "settings.slow_start",
        settings.getSlowStart(),
        DurationRules.ZERO,
        DurationRules.seconds(3600),
        "0..1h");
    if (settings.hasLimits()) {
      limits(settings.getLimits());
    }
    DurationRules.check(
        "settings.drain_timeout",
        settings.getDrainTimeout(),
        DurationRules.ZERO,
        DurationRules.seconds(24 * 3600),
        "0..24h");
    if (settings.hasTuning()) {
      tuning(settings.getTuning());
    }
    if (settings.hasGuards()) {
      guards(settings.getGuards());
    }
    uint("settings.health_quorum_percent", settings.getHealthQuorumPercent(), 1, 100);
    if (settings.hasAdaptiveWeights()) {
      adaptiveWeights(settings.getAdaptiveWeights());
    }
    if (settings.hasProxyProtocol()) {
      proxyProtocol(settings.getProxyProtocol());
    }
    if (settings.hasHttpConnect()) {
      settings = settings.toBuilder().setHttpConnect(httpConnect(settings)).build();
    }
    if (settings.hasTlsRouting()) {
      try {
        settings = settings.toBuilder().setTlsRouting(TlsRoutingRules.normalized(settings)).build();
      } catch (RuleViolation e) {
        throw ConfigRules.invalid(e.getMessage());
      }
    }
    try {
      TlsTerminationRules.check(settings);
    } catch (RuleViolation e) {
      throw ConfigRules.invalid(e.getMessage());
    }
    return MessageForm.prune(settings);
  }

  private static void proxyProtocol(ProxyProtocol proxyProtocol) {
    if (ProxyProtocolVersion.forNumber(proxyProtocol.getSendValue()) == null) {
      throw ConfigRules.invalid(
          "settings.proxy_protocol.send must be PROXY_PROTOCOL_OFF,"
              + " PROXY_PROTOCOL_V1 or PROXY_PROTOCOL_V2, got "
              + proxyProtocol.getSendValue());
    }
  }

  /** Authorities in normal form (host names in lower case), each checked. */
  private static HttpConnect httpConnect(PoolSettings settings) {
    HttpConnect connect = settings.getHttpConnect();
    if (!connect.getEnabled()) {
      if (connect.getAuthoritiesCount() > 0) {
        throw ConfigRules.invalid(
            HTTP_CONNECT
                + "authorities needs "
                + HTTP_CONNECT
                + "enabled: a pool answers CONNECT requests only in HTTP CONNECT mode");
      }
      return connect;
    }
    if (settings.getProxyProtocol().getAccept()) {
      throw ConfigRules.invalid(
          "settings.proxy_protocol.accept cannot be combined with "
              + HTTP_CONNECT
              + "enabled; turn one of them off");
    }
    if (connect.getAuthoritiesCount() > MAX_CONNECT_AUTHORITIES) {
      throw ConfigRules.invalid(
          HTTP_CONNECT
              + "authorities: at most "
              + MAX_CONNECT_AUTHORITIES
              + " allowed, got "
              + connect.getAuthoritiesCount());
    }
    HttpConnect.Builder normal = connect.toBuilder().clearAuthorities();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < connect.getAuthoritiesCount(); i++) {
      String field = HTTP_CONNECT + "authorities[" + i + "]";
      String authority = connect.getAuthorities(i);
      if (authority.length() > MAX_AUTHORITY_LENGTH) {
        throw ConfigRules.invalid(
            field
                + " "
                + ConfigRules.quoted(authority)
                + " is invalid: it"
                + " has "
                + authority.length()
                + " characters, more than the "
                + MAX_AUTHORITY_LENGTH
                + " a host:port can have");
      }
      HostPort parsed;
      try {
        parsed = HostPort.parseWithHost(authority);
      } catch (IllegalArgumentException e) {
        throw ConfigRules.invalid(
            field
                + " \""
                + authority
                + "\" is invalid: "
                + e.getMessage()
                + "; use host:port, the target clients name in CONNECT, e.g. \"db.internal:5432\"");
      }
      if (!seen.add(parsed.toString())) {
        throw ConfigRules.invalid(field + " \"" + authority + "\" is listed twice");
      }
      normal.addAuthorities(parsed.toString());
    }
    return normal.build();
  }

  private static void healthCheck(HealthCheck check) {
    HealthCheck.Kind kind = HealthCheck.Kind.forNumber(check.getKindValue());
    if (kind == null) {
      throw ConfigRules.invalid(HC + "kind must be TCP or HTTP, got " + check.getKindValue());
    }
    if (kind == HealthCheck.Kind.KIND_UNSPECIFIED) {
      // An unset kind with other fields set is most likely a forgotten kind, not "checks off".
      throw ConfigRules.invalid(
          HC
              + "kind must be set to TCP or HTTP (to turn health checks "
              + "off, unset settings.health_check instead)");
    }
    DurationRules.check(
        HC + "interval",
        check.getInterval(),
        DurationRules.millis(100),
        DurationRules.seconds(3600),
        "100ms..1h");
    boolean intervalSet = !check.getInterval().equals(DurationRules.ZERO);
    Duration interval = intervalSet ? check.getInterval() : DEFAULT_HEALTH_INTERVAL;
    DurationRules.check(
        HC + "timeout",
        check.getTimeout(),
        DurationRules.ZERO,
        interval,
        "0.."
            + DurationRules.format(interval)
            + (intervalSet ? " (at most the interval)" : " (at most the default interval)"));
    uint(HC + "rise", check.getRise(), 1, 100);
    uint(HC + "fall", check.getFall(), 1, 100);
    uint(HC + "jitter_percent", check.getJitterPercent(), 0, 50);
    if (kind == HealthCheck.Kind.TCP) {
      httpOnly("http_path", !check.getHttpPath().isEmpty());
      httpOnly("http_expected_status", check.getHttpExpectedStatus() != 0);
      httpOnly("http_host", !check.getHttpHost().isEmpty());
      return;
    }
    String path = check.getHttpPath();
    headerText(HC + "http_path", path, MAX_HTTP_PATH_LENGTH);
    if (!path.isEmpty() && !path.startsWith("/")) {
      throw ConfigRules.invalid(HC + "http_path must start with \"/\", got \"" + path + "\"");
    }
    uint(HC + "http_expected_status", check.getHttpExpectedStatus(), 100, 599);
    headerText(HC + "http_host", check.getHttpHost(), MAX_HTTP_HOST_LENGTH);
  }

  private static void httpOnly(String field, boolean set) {
    if (set) {
      throw ConfigRules.invalid(
          HC + field + " applies to HTTP checks only, but " + HC + "kind is TCP");
    }
  }

  /**
   * Text the proxy writes into an HTTP request line or header: visible ASCII only, since a space,
   * CR or LF would let the value end the line and inject a header of its own.
   */
  private static void headerText(String field, String value, int maxLength) {
    if (value.length() > maxLength) {
      throw ConfigRules.invalid(
          field + " must be at most " + maxLength + " characters, got " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw ConfigRules.invalid(
            String.format(
                "%s must be visible ASCII without spaces or control characters (percent-encode "
                    + "others), got U+%04X at index %d",
                field, (int) c, i));
      }
    }
  }

  private static void outlierDetection(OutlierDetection detection) {
    uint(OD + "consecutive_failures", detection.getConsecutiveFailures(), 1, 1000);
    DurationRules.check(
        OD + "base_ejection_time",
        detection.getBaseEjectionTime(),
        DurationRules.ZERO,
        null,
        "a non-negative duration");
    DurationRules.check(
        OD + "max_ejection_time",
        detection.getMaxEjectionTime(),
        DurationRules.ZERO,
        null,
        "a non-negative duration");
    uint(OD + "max_ejection_percent", detection.getMaxEjectionPercent(), 0, 100);
    DurationRules.check(
        OD + "response_timeout",
        detection.getResponseTimeout(),
        DurationRules.seconds(1),
        DurationRules.seconds(3600),
        "0 (off) or 1s..1h");
    if (detection.getDisabled() && !detection.getResponseTimeout().equals(DurationRules.ZERO)) {
      // Unanswered connections only count towards ejections, which disabled turns off.
      throw ConfigRules.invalid(
          OD
              + "response_timeout needs outlier detection on, but "
              + OD
              + "disabled is true; unset response_timeout too (weirctl: --response-timeout 0)");
    }
  }

  private static void limits(Limits limits) {
    // max_connections and max_connections_per_backend: any uint32 is a cap, zero is none.
    DurationRules.check(
        LIMITS + "connect_timeout",
        limits.getConnectTimeout(),
        DurationRules.millis(1),
        DurationRules.seconds(60),
        "1ms..1m");
    DurationRules.check(
        LIMITS + "idle_timeout",
        limits.getIdleTimeout(),
        DurationRules.ZERO,
        DurationRules.seconds(7 * 86_400),
        "0..7d");
  }

  private static void tuning(Tuning tuning) {
    bytes(
        TUNING + "socket_buffer_bytes",
        tuning.getSocketBufferBytes(),
        4L << 10,
        16L << 20,
        "4 KiB..16 MiB");
    bytes(
        TUNING + "write_buffer_low_bytes",
        tuning.getWriteBufferLowBytes(),
        1L << 10,
        64L << 20,
        "1 KiB..64 MiB");
    bytes(
        TUNING + "write_buffer_high_bytes",
        tuning.getWriteBufferHighBytes(),
        1L << 10,
        64L << 20,
        "1 KiB..64 MiB");
    // Compared with the other mark's default when only one is set: the proxy could not apply
    // a low mark above the high one either way.
    boolean lowSet = tuning.getWriteBufferLowBytes() != 0;
    boolean highSet = tuning.getWriteBufferHighBytes() != 0;
    long low = lowSet ? tuning.getWriteBufferLowBytes() : DEFAULT_WRITE_BUFFER_LOW;
    long high = highSet ? tuning.getWriteBufferHighBytes() : DEFAULT_WRITE_BUFFER_HIGH;
    if ((lowSet || highSet) && low >= high) {
      throw ConfigRules.invalid(
          TUNING
              + "write_buffer_low_bytes ("
              + low
              + (lowSet ? "" : ", the default")
              + ") must be below write_buffer_high_bytes ("
              + high
              + (highSet ? "" : ", the default")
              + ")");
    }
  }

  private static void guards(Guards guards) {
    uint(
        GUARDS + "min_healthy_backends",
        guards.getMinHealthyBackends(),
        0,
        ConfigRules.MAX_BACKENDS_PER_POOL);
    uint(GUARDS + "max_drain_percent", guards.getMaxDrainPercent(), 0, 100);
  }

  // Bounds on effective/configured weight, either side of 100% (so never crossed): a backend may
  // lose most of its share but never all of it; that is what health checks and drains are for.
  private static void adaptiveWeights(AdaptiveWeights adaptive) {
    String field = "settings.adaptive_weights.";
    uint(field + "min_percent", adaptive.getMinPercent(), 1, 100);
    uint(field + "max_percent", adaptive.getMaxPercent(), 100, 1000);
    DurationRules.check(
        field + "interval",
        adaptive.getInterval(),
        DurationRules.seconds(1),
        DurationRules.seconds(3600),
        "1s..1h");
  }

  private static void bytes(String field, int value, long min, long max, String range) {
    long unsigned = Integer.toUnsignedLong(value);
    if (unsigned != 0 && (unsigned < min || unsigned > max)) {
      throw ConfigRules.invalid(
          field + " must be " + min + ".." + max + " (" + range + "), got " + unsigned);
    }
  }

  /** A uint32 field where zero means the default and anything else must be in min..max. */
  private static void uint(String field, int value, long min, long max) {
    long unsigned = Integer.toUnsignedLong(value);
    if (unsigned != 0 && (unsigned < min || unsigned > max)) {
      throw ConfigRules.invalid(field + " must be " + min + ".." + max + ", got " + unsigned);
    }
  }
}
