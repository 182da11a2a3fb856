package dev.weir.api.rules;

import com.google.protobuf.Duration;
import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.TlsTermination;
import java.util.List;

/**
 * The rules of a pool's {@link TlsTermination} that need no file: paths absolute, counts bounded,
 * ALPN tokens and the TLS version well-formed. What the files hold only a proxy can check, as only
 * it has them (weir-proxy's {@code tls} package does, when it validates a snapshot).
 */
public final class TlsTerminationRules {
  public static final int MAX_CERTIFICATES = 20;
  public static final int MAX_ALPN = 10;
  public static final int MAX_PATH_LENGTH = 4096;
  public static final String TLS_1_2 = "TLS1.2";
  public static final String TLS_1_3 = "TLS1.3";
  public static final List<String> VERSIONS = List.of(TLS_1_2, TLS_1_3);
  public static final java.time.Duration DEFAULT_HANDSHAKE_TIMEOUT =
      java.time.Duration.ofSeconds(10);
  private static final java.time.Duration MAX_HANDSHAKE_TIMEOUT = java.time.Duration.ofMinutes(1);
  private static final String FIELD = "settings.tls_termination.";

  private TlsTerminationRules() {}

  /**
   * Checks {@code settings.tls_termination} of a pool's settings, as the control plane does per
   * request.
   *
   * @throws RuleViolation naming the field (from "settings.") and the value at fault
   */
  public static void check(PoolSettings settings) throws RuleViolation {
    check("", settings);
  }

  /**
   * @throws RuleViolation naming the field (after {@code where}) and the value at fault
   */
  static void check(String where, PoolSettings settings) throws RuleViolation {
    if (!settings.hasTlsTermination()) {
      return;
    }
    TlsTermination tls = settings.getTlsTermination();
    String field = (where.isEmpty() ? "" : where + ": ") + FIELD;
    if (!tls.getEnabled()) {
      if (!tls.equals(TlsTermination.getDefaultInstance())) {
        throw new RuleViolation(
            field
                + "certificates, alpn, min_version, client_auth,"
                + " backend_tls and handshake_timeout need "
                + FIELD
                + "enabled");
      }
      return;
    }
    if (settings.getHttpConnect().getEnabled()) {
      throw new RuleViolation(
          field + "enabled cannot be combined with" + " settings.http_connect.enabled");
    }
    if (tls.getCertificatesCount() == 0 || tls.getCertificatesCount() > MAX_CERTIFICATES) {
      throw new RuleViolation(
          field
              + "certificates: 1.."
              + MAX_CERTIFICATES
              + " needed, got "
              + tls.getCertificatesCount());
    }
    for (int i = 0; i < tls.getCertificatesCount(); i++) {
      Certificate c = tls.getCertificates(i);
      path(field + "certificates[" + i + "].cert_file", c.getCertFile(), true);
      path(field + "certificates[" + i + "].key_file", c.getKeyFile(), true);
    }
    if (tls.getAlpnCount() > MAX_ALPN) {
      throw new RuleViolation(
          field + "alpn: at most " + MAX_ALPN + " allowed, got " + tls.getAlpnCount());
    }
    for (String protocol : tls.getAlpnList()) {
      alpn(field + "alpn", protocol);
    }
    if (!tls.getMinVersion().isEmpty() && !VERSIONS.contains(tls.getMinVersion())) {
      throw new RuleViolation(
          field
              + "min_version must be one of "
              + VERSIONS
              + " (empty: "
              + TLS_1_2
              + "), got \""
              + SnapshotRules.shorten(tls.getMinVersion())
              + "\"");
    }
    if (tls.hasClientAuth()) {
      ClientAuth auth = tls.getClientAuth();
      path(field + "client_auth.ca_file", auth.getCaFile(), true);
    }
    backendTls(field + "backend_tls.", tls.getBackendTls());
    if (tls.getBackendTls().getEnabled()
        && settings.getHealthCheck().getKind() == HealthCheck.Kind.HTTP) {
      // The probes speak plaintext HTTP; against a TLS backend every one would fail.
      throw new RuleViolation(
          field
              + "backend_tls.enabled cannot be combined with"
              + " settings.health_check.kind HTTP (the checks do not speak TLS); use TCP checks");
    }
    handshakeTimeout(field + "handshake_timeout", tls);
  }

  private static void backendTls(String field, BackendTls backend) throws RuleViolation {
    if (!backend.getEnabled()) {
      if (!backend.getCaFile().isEmpty() || !backend.getServerName().isEmpty()) {
        throw new RuleViolation(field + "ca_file and server_name need " + field + "enabled");
      }
      return;
    }
    path(field + "ca_file", backend.getCaFile(), false);
    if (!backend.getServerName().isEmpty()) {
      TlsRoutingRules.normalize(field + "server_name", backend.getServerName());
      if (backend.getServerName().startsWith("*.")) {
        throw new RuleViolation(
            field
                + "server_name: \""
                + backend.getServerName()
                + "\" is a wildcard; name one server");
      }
    }
  }

  /** The pool's handshake timeout, or the default when it sets none. */
  public static java.time.Duration handshakeTimeout(TlsTermination tls) {
    Duration d = tls.getHandshakeTimeout();
    return tls.hasHandshakeTimeout()
        ? java.time.Duration.ofSeconds(d.getSeconds(), d.getNanos())
        : DEFAULT_HANDSHAKE_TIMEOUT;
  }

  private static void handshakeTimeout(String field, TlsTermination tls) throws RuleViolation {
    if (!tls.hasHandshakeTimeout()) {
      return;
    }
    Duration d = tls.getHandshakeTimeout();
    boolean wellFormed = d.getSeconds() >= 0 && d.getNanos() >= 0 && d.getNanos() <= 999_999_999;
    java.time.Duration timeout = wellFormed ? handshakeTimeout(tls) : null;
    if (timeout == null || timeout.toMillis() < 1 || timeout.compareTo(MAX_HANDSHAKE_TIMEOUT) > 0) {
      throw new RuleViolation(
          field + " must be 1ms..1m, got " + d.getSeconds() + "s " + d.getNanos() + "ns");
    }
  }

  private static void path(String field, String path, boolean required) throws RuleViolation {
    if (path.isEmpty()) {
      if (required) {
        throw new RuleViolation(
            field + " is required: the absolute path of a PEM file on the" + " proxy host");
      }
      return;
    }
    if (path.length() > MAX_PATH_LENGTH) {
      throw new RuleViolation(
          field
              + ": \""
              + SnapshotRules.shorten(path)
              + "\" is longer than "
              + MAX_PATH_LENGTH
              + " characters");
    }
    if (!path.startsWith("/") || path.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
      throw new RuleViolation(
          field
              + ": \""
              + SnapshotRules.shorten(path)
              + "\" is not an"
              + " absolute path (it must start with \"/\" and hold no control characters)");
    }
  }

  private static void alpn(String field, String protocol) throws RuleViolation {
    boolean valid =
        !protocol.isEmpty()
            && protocol.length() <= 255
            && protocol.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f && ch != ',');
    if (!valid) {
      throw new RuleViolation(
          field
              + ": \""
              + SnapshotRules.shorten(protocol)
              + "\" is not an"
              + " ALPN protocol: use 1..255 printable ASCII characters without spaces or commas,"
              + " such as \"h2\" or \"http/1.1\"");
    }
  }
}
