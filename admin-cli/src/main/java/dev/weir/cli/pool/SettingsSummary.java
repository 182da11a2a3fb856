package dev.weir.cli.pool;

import com.google.protobuf.Duration;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.TlsRouting;
import dev.weir.api.v1.TlsTermination;
import dev.weir.api.v1.Tuning;
import dev.weir.api.wire.DurationText;
import dev.weir.cli.args.ByteSizes;
import dev.weir.cli.args.Counts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings part of {@code pool show}: one labelled line per part of PoolSettings that is set,
 * naming only the values that are set. Defaults are the server's to apply, so they are not repeated
 * here, except that a pool without a health check says so.
 */
final class SettingsSummary {

  private SettingsSummary() {}

  /** Label to text, in the order to print them. */
  static Map<String, String> of(PoolSettings settings) {
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(
        "Health check",
        settings.hasHealthCheck() ? healthCheck(settings.getHealthCheck()) : "none");
    if (settings.hasOutlierDetection()) {
      lines.put("Outliers", outlierDetection(settings.getOutlierDetection()));
    }
    if (isSet(settings.getSlowStart())) {
      lines.put("Slow start", duration(settings.getSlowStart()));
    }
    String limits = limits(settings.getLimits());
    if (!limits.isEmpty()) {
      lines.put("Limits", limits);
    }
    if (isSet(settings.getDrainTimeout())) {
      lines.put("Drain timeout", duration(settings.getDrainTimeout()));
    }
    String buffers = buffers(settings.getTuning());
    if (!buffers.isEmpty()) {
      lines.put("Buffers", buffers);
    }
    if (settings.getMaglevTableSize() != 0) {
      lines.put("Maglev table", Counts.format(settings.getMaglevTableSize()));
    }
    String guards = guards(settings.getGuards());
    if (!guards.isEmpty()) {
      lines.put("Guards", guards);
    }
    if (settings.getHealthQuorumPercent() != 0) {
      lines.put("Health quorum", Counts.format(settings.getHealthQuorumPercent()) + "% of proxies");
    }
    if (settings.hasProxyProtocol()) {
      ProxyProtocol pp = settings.getProxyProtocol();
      lines.put(
          "PROXY protocol",
          "send "
              + ProxyProtocolOptions.name(pp.getSend())
              + (pp.getAccept() ? ", accept from clients" : ""));
    }
    if (settings.getHttpConnect().getEnabled()) {
      List<String> targets = settings.getHttpConnect().getAuthoritiesList();
      lines.put(
          "HTTP CONNECT",
          targets.isEmpty()
              ? "on, for the pool's name and port"
              : "on, for " + String.join(", ", targets));
    }
    if (settings.getTlsRouting().getEnabled()) {
      lines.put("TLS routing", tlsRouting(settings.getTlsRouting()));
    }
    if (settings.getTlsTermination().getEnabled()) {
      lines.put("TLS", tlsTermination(settings.getTlsTermination()));
    }
    if (settings.hasAdaptiveWeights()) {
      // Not "Adaptive weights": pool show pads labels to 16 characters plus the colon.
      lines.put("Weights", adaptiveWeights(settings.getAdaptiveWeights()));
    }
    return lines;
  }

  // "by SNI db.example.com, *.db.example.com; the default; ClientHello within 5s"
  private static String tlsRouting(TlsRouting routing) {
    List<String> parts = new ArrayList<>();
    if (routing.getServerNamesCount() > 0) {
      parts.add("by SNI " + String.join(", ", routing.getServerNamesList()));
    }
    if (routing.getDefaultPool()) {
      parts.add("the default");
    }
    if (routing.getPostgres()) {
      parts.add("PostgreSQL's SSLRequest answered");
    }
    if (routing.hasClientHelloTimeout()) {
      parts.add("ClientHello within " + duration(routing.getClientHelloTimeout()));
    }
    return String.join("; ", parts);
  }

  // "terminated with /etc/weir/web.pem (key /etc/weir/web.key); ALPN h2, http/1.1; TLS1.3 and
  // later; client certificates required (CA /etc/weir/clients.pem); re-encrypted to the backends
  // (CA /etc/weir/internal.pem, name db.internal)"
  private static String tlsTermination(TlsTermination tls) {
    List<String> parts = new ArrayList<>();
    List<String> certificates = new ArrayList<>();
    for (Certificate c : tls.getCertificatesList()) {
      certificates.add(c.getCertFile() + " (key " + c.getKeyFile() + ")");
    }
    parts.add("terminated with " + String.join(", ", certificates));
    if (tls.getAlpnCount() > 0) {
      parts.add("ALPN " + String.join(", ", tls.getAlpnList()));
    }
    if (!tls.getMinVersion().isEmpty()) {
      parts.add(tls.getMinVersion() + " and later");
    }
    if (tls.hasClientAuth()) {
      parts.add(
          "client certificates "
              + (tls.getClientAuth().getRequired() ? "required" : "optional")
              + " (CA "
              + tls.getClientAuth().getCaFile()
              + ")");
    }
    if (tls.hasHandshakeTimeout()) {
      parts.add("handshake within " + duration(tls.getHandshakeTimeout()));
    }
    if (tls.getBackendTls().getEnabled()) {
      BackendTls backend = tls.getBackendTls();
      parts.add(
          "re-encrypted to the backends (CA "
              + (backend.getCaFile().isEmpty() ? "the JDK's" : backend.getCaFile())
              + ", name "
              + (backend.getServerName().isEmpty() ? "the backend's host" : backend.getServerName())
              + ")");
    }
    return String.join("; ", parts);
  }

  // "adaptive, 50%..150% of the configured weight, every 30s"
  private static String adaptiveWeights(AdaptiveWeights adaptive) {
    if (!adaptive.getEnabled()) {
      return "as configured (adaptive off)";
    }
    List<String> parts = new ArrayList<>(List.of("adaptive"));
    String min = percentOrEmpty(adaptive.getMinPercent());
    String max = percentOrEmpty(adaptive.getMaxPercent());
    if (!min.isEmpty() && !max.isEmpty()) {
      parts.add(min + ".." + max + " of the configured weight");
    } else if (!min.isEmpty()) {
      parts.add("at least " + min + " of the configured weight");
    } else if (!max.isEmpty()) {
      parts.add("at most " + max + " of the configured weight");
    }
    if (isSet(adaptive.getInterval())) {
      parts.add("every " + duration(adaptive.getInterval()));
    }
    return String.join(", ", parts);
  }

  // "min healthy 2, max draining 25%"
  private static String guards(Guards guards) {
    List<String> parts = new ArrayList<>();
    if (guards.getMinHealthyBackends() != 0) {
      parts.add("min healthy " + Counts.format(guards.getMinHealthyBackends()));
    }
    if (guards.getMaxDrainPercent() != 0) {
      parts.add("max draining " + Counts.format(guards.getMaxDrainPercent()) + "%");
    }
    return String.join(", ", parts);
  }

  // "http GET /healthz every 5s, timeout 2s, rise 2, fall 3"
  private static String healthCheck(HealthCheck check) {
    StringBuilder text = new StringBuilder(HealthCheckKinds.name(check.getKind()));
    if (!check.getHttpPath().isEmpty()) {
      text.append(" GET ").append(check.getHttpPath());
    }
    if (isSet(check.getInterval())) {
      text.append(" every ").append(duration(check.getInterval()));
    }
    List<String> details = new ArrayList<>();
    if (isSet(check.getTimeout())) {
      details.add("timeout " + duration(check.getTimeout()));
    }
    if (check.getRise() != 0) {
      details.add("rise " + Counts.format(check.getRise()));
    }
    if (check.getFall() != 0) {
      details.add("fall " + Counts.format(check.getFall()));
    }
    if (check.getJitterPercent() != 0) {
      details.add("jitter " + Counts.format(check.getJitterPercent()) + "%");
    }
    if (check.getHttpExpectedStatus() != 0) {
      details.add("expect " + Counts.format(check.getHttpExpectedStatus()));
    }
    if (!check.getHttpHost().isEmpty()) {
      details.add("Host " + check.getHttpHost());
    }
    return details.isEmpty() ? text.toString() : text + ", " + String.join(", ", details);
  }

  // "eject after 5 connect failures, for 10s up to 5m, at most 50% of backends,
  // response timeout 5s"
  private static String outlierDetection(OutlierDetection detection) {
    if (detection.getDisabled()) {
      return "off";
    }
    List<String> parts = new ArrayList<>();
    boolean response = isSet(detection.getResponseTimeout());
    if (detection.getConsecutiveFailures() != 0) {
      parts.add(
          "eject after "
              + Counts.format(detection.getConsecutiveFailures())
              + (response ? " connect failures or unanswered connections" : " connect failures"));
    }
    String base = durationOrEmpty(detection.getBaseEjectionTime());
    String max = durationOrEmpty(detection.getMaxEjectionTime());
    if (!base.isEmpty() && !max.isEmpty()) {
      parts.add("for " + base + " up to " + max);
    } else if (!base.isEmpty()) {
      parts.add("for " + base);
    } else if (!max.isEmpty()) {
      parts.add("for up to " + max);
    }
    if (detection.getMaxEjectionPercent() != 0) {
      parts.add("at most " + Counts.format(detection.getMaxEjectionPercent()) + "% of backends");
    }
    if (response) {
      parts.add("response timeout " + duration(detection.getResponseTimeout()));
    }
    return parts.isEmpty() ? "on" : String.join(", ", parts);
  }

  // "max 1000 connections, 100 per backend, connect timeout 1s, idle timeout 5m"
  private static String limits(Limits limits) {
    List<String> parts = new ArrayList<>();
    if (limits.getMaxConnections() != 0) {
      parts.add("max " + Counts.format(limits.getMaxConnections()) + " connections");
    }
    if (limits.getMaxConnectionsPerBackend() != 0) {
      String max = Counts.format(limits.getMaxConnectionsPerBackend());
      // On its own, "100 per backend" would not say 100 of what.
      parts.add(parts.isEmpty() ? "max " + max + " connections per backend" : max + " per backend");
    }
    if (isSet(limits.getConnectTimeout())) {
      parts.add("connect timeout " + duration(limits.getConnectTimeout()));
    }
    if (isSet(limits.getIdleTimeout())) {
      parts.add("idle timeout " + duration(limits.getIdleTimeout()));
    }
    return String.join(", ", parts);
  }

  // "socket 256k, write low 32k, write high 64k"
  private static String buffers(Tuning tuning) {
    List<String> parts = new ArrayList<>();
    if (tuning.getSocketBufferBytes() != 0) {
      parts.add("socket " + ByteSizes.format(tuning.getSocketBufferBytes()));
    }
    if (tuning.getWriteBufferLowBytes() != 0) {
      parts.add("write low " + ByteSizes.format(tuning.getWriteBufferLowBytes()));
    }
    if (tuning.getWriteBufferHighBytes() != 0) {
      parts.add("write high " + ByteSizes.format(tuning.getWriteBufferHighBytes()));
    }
    return String.join(", ", parts);
  }

  // Zero means "the default" for every duration setting, the same as unset.
  private static boolean isSet(Duration duration) {
    return duration.getSeconds() != 0 || duration.getNanos() != 0;
  }

  private static String duration(Duration duration) {
    return DurationText.format(duration);
  }

  private static String durationOrEmpty(Duration duration) {
    return isSet(duration) ? duration(duration) : "";
  }

  private static String percentOrEmpty(int percent) {
    return percent != 0 ? Counts.format(percent) + "%" : "";
  }
}
