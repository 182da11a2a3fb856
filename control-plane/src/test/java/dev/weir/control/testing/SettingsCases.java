package dev.weir.control.testing;

import com.google.protobuf.Duration;
import com.google.protobuf.UnknownFieldSet;
import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.api.v1.TlsTermination;
import dev.weir.api.v1.Tuning;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every documented settings bound, just inside and just outside, shared by the rule tests and the
 * API tests. The Maglev table size depends on the backends and has tests of its own.
 */
public final class SettingsCases {
  private SettingsCases() {}

  /** Settings that must be accepted and stored exactly as given. */
  public static Stream<Arguments> accepted() {
    return Stream.of(
        ok("interval at its floor", tcp().setInterval(ms(100))),
        ok("interval at its ceiling", tcp().setInterval(seconds(3600))),
        ok("timeout equal to the interval", tcp().setInterval(seconds(2)).setTimeout(seconds(2))),
        ok("timeout equal to the default interval", tcp().setTimeout(seconds(5))),
        ok("rise and fall at their floor", tcp().setRise(1).setFall(1)),
        ok("rise and fall at their ceiling", tcp().setRise(100).setFall(100)),
        ok("jitter at its ceiling", tcp().setJitterPercent(50)),
        ok(
            "an HTTP check with every field",
            http()
                .setHttpPath("/healthz?full=1")
                .setHttpExpectedStatus(204)
                .setHttpHost("api.example:8443")),
        ok("the longest http_path", http().setHttpPath("/" + "a".repeat(1023))),
        ok("the longest http_host", http().setHttpHost("h".repeat(255))),
        ok("the lowest expected status", http().setHttpExpectedStatus(100)),
        ok("the highest expected status", http().setHttpExpectedStatus(599)),
        ok(
            "outlier detection at its ceilings",
            PoolSettings.newBuilder()
                .setOutlierDetection(
                    OutlierDetection.newBuilder()
                        .setConsecutiveFailures(1000)
                        .setBaseEjectionTime(seconds(30))
                        .setMaxEjectionTime(seconds(600))
                        .setMaxEjectionPercent(100))),
        ok(
            "outlier detection turned off",
            PoolSettings.newBuilder()
                .setOutlierDetection(OutlierDetection.newBuilder().setDisabled(true))),
        ok(
            "response timeout at its floor",
            outlier(OutlierDetection.newBuilder().setResponseTimeout(seconds(1)))),
        ok(
            "response timeout at its ceiling",
            outlier(OutlierDetection.newBuilder().setResponseTimeout(seconds(3600)))),
        ok("slow start of an hour", PoolSettings.newBuilder().setSlowStart(seconds(3600))),
        ok("drain timeout of a day", PoolSettings.newBuilder().setDrainTimeout(seconds(86_400))),
        ok("connect timeout at its floor", limits(Limits.newBuilder().setConnectTimeout(ms(1)))),
        ok(
            "connect timeout at its ceiling",
            limits(Limits.newBuilder().setConnectTimeout(seconds(60)))),
        ok(
            "idle timeout of a week",
            limits(
                Limits.newBuilder()
                    .setIdleTimeout(seconds(604_800))
                    .setMaxConnections(-1)
                    .setMaxConnectionsPerBackend(1))),
        ok("the smallest socket buffer", tuning(Tuning.newBuilder().setSocketBufferBytes(4096))),
        ok("the largest socket buffer", tuning(Tuning.newBuilder().setSocketBufferBytes(16 << 20))),
        ok(
            "the smallest low mark below the default high one",
            tuning(Tuning.newBuilder().setWriteBufferLowBytes(1024))),
        ok(
            "the largest high mark above the default low one",
            tuning(Tuning.newBuilder().setWriteBufferHighBytes(64 << 20))),
        ok(
            "marks one byte apart",
            tuning(Tuning.newBuilder().setWriteBufferLowBytes(2047).setWriteBufferHighBytes(2048))),
        ok(
            "PROXY protocol v2 sent and accepted",
            PoolSettings.newBuilder()
                .setProxyProtocol(
                    ProxyProtocol.newBuilder()
                        .setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V2)
                        .setAccept(true))),
        ok(
            "PROXY protocol v1 sent",
            PoolSettings.newBuilder()
                .setProxyProtocol(
                    ProxyProtocol.newBuilder().setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V1))),
        ok(
            "TLS terminated with everything set",
            tls(
                termination()
                    .addAlpn("h2")
                    .addAlpn("http/1.1")
                    .setMinVersion("TLS1.3")
                    .setClientAuth(
                        ClientAuth.newBuilder()
                            .setCaFile("/etc/weir/clients.pem")
                            .setRequired(true))
                    .setBackendTls(
                        BackendTls.newBuilder()
                            .setEnabled(true)
                            .setCaFile("/etc/weir/backends.pem")
                            .setServerName("db.internal"))
                    .setHandshakeTimeout(seconds(60)))));
  }

  /** Settings that must be refused with INVALID_ARGUMENT and a description containing the text. */
  public static Stream<Arguments> rejected() {
    return Stream.of(
        bad(
            "settings.tls_termination.certificates: 1..20 needed, got 0",
            tls(TlsTermination.newBuilder().setEnabled(true))),
        bad(
            "settings.tls_termination.certificates[0].key_file: \"web.key\" is not an absolute"
                + " path",
            tls(
                TlsTermination.newBuilder()
                    .setEnabled(true)
                    .addCertificates(
                        Certificate.newBuilder()
                            .setCertFile("/etc/weir/web.pem")
                            .setKeyFile("web.key")))),
        bad(
            "settings.tls_termination.certificates[0].cert_file is required",
            tls(
                TlsTermination.newBuilder()
                    .setEnabled(true)
                    .addCertificates(Certificate.newBuilder().setKeyFile("/etc/weir/web.key")))),
        bad(
            "settings.tls_termination.min_version must be one of [TLS1.2, TLS1.3]",
            tls(termination().setMinVersion("TLS1.1"))),
        bad(
            "settings.tls_termination.alpn: \"http 1.1\" is not an ALPN protocol",
            tls(termination().addAlpn("http 1.1"))),
        bad(
            "settings.tls_termination.client_auth.ca_file is required",
            tls(termination().setClientAuth(ClientAuth.newBuilder().setRequired(true)))),
        bad(
            "settings.tls_termination.backend_tls.ca_file and server_name need",
            tls(termination().setBackendTls(BackendTls.newBuilder().setServerName("a.b")))),
        bad(
            "settings.tls_termination.backend_tls.enabled cannot be combined with"
                + " settings.health_check.kind HTTP",
            tls(termination().setBackendTls(BackendTls.newBuilder().setEnabled(true)))
                .setHealthCheck(http())),
        bad(
            "settings.tls_termination.handshake_timeout must be 1ms..1m, got 61s",
            tls(termination().setHandshakeTimeout(seconds(61)))),
        bad(
            "settings.tls_termination.certificates, alpn, min_version, client_auth, backend_tls"
                + " and handshake_timeout need settings.tls_termination.enabled",
            tls(TlsTermination.newBuilder().addAlpn("h2"))),
        bad(
            "settings.health_check.interval must be 100ms..1h, got 50ms",
            tcp().setInterval(ms(50))),
        bad(
            "settings.health_check.interval must be 100ms..1h, got 99ms",
            tcp().setInterval(ms(99))),
        bad(
            "settings.health_check.interval must be 100ms..1h, got 3600001ms",
            tcp().setInterval(ms(3_600_001))),
        bad(
            "settings.health_check.interval must be 100ms..1h, got -1s",
            tcp().setInterval(seconds(-1))),
        bad(
            "settings.health_check.interval is not a valid duration: seconds 1, nanos 1000000000",
            tcp().setInterval(Duration.newBuilder().setSeconds(1).setNanos(1_000_000_000))),
        bad(
            "settings.health_check.interval is not a valid duration: seconds 1, nanos -1",
            tcp().setInterval(Duration.newBuilder().setSeconds(1).setNanos(-1))),
        bad(
            "settings.health_check.timeout must be 0..2s (at most the interval), got 2001ms",
            tcp().setInterval(seconds(2)).setTimeout(ms(2001))),
        bad(
            "settings.health_check.timeout must be 0..5s (at most the default interval), got 6s",
            tcp().setTimeout(seconds(6))),
        bad("settings.health_check.rise must be 1..100, got 101", tcp().setRise(101)),
        bad("settings.health_check.fall must be 1..100, got 101", tcp().setFall(101)),
        bad("settings.health_check.fall must be 1..100, got 4294967295", tcp().setFall(-1)),
        bad(
            "settings.health_check.jitter_percent must be 0..50, got 51",
            tcp().setJitterPercent(51)),
        bad(
            "settings.health_check.kind must be set to TCP or HTTP",
            HealthCheck.newBuilder().setInterval(seconds(1))),
        bad("settings.health_check.kind must be set to TCP or HTTP", HealthCheck.newBuilder()),
        bad(
            "settings.health_check.kind must be TCP or HTTP, got 7",
            HealthCheck.newBuilder().setKindValue(7)),
        bad(
            "settings.health_check.http_path applies to HTTP checks only, but "
                + "settings.health_check.kind is TCP",
            tcp().setHttpPath("/")),
        bad(
            "settings.health_check.http_expected_status applies to HTTP checks only",
            tcp().setHttpExpectedStatus(200)),
        bad(
            "settings.health_check.http_host applies to HTTP checks only",
            tcp().setHttpHost("example.com")),
        bad("settings.health_check.http_path must start with \"/\"", http().setHttpPath("healthz")),
        bad(
            "settings.health_check.http_path must be at most 1024 characters, got 1025",
            http().setHttpPath("/" + "a".repeat(1024))),
        bad(
            "settings.health_check.http_path must be visible ASCII without spaces or control "
                + "characters (percent-encode others), got U+000D at index 2",
            http().setHttpPath("/a\r\nX-Injected: 1")),
        bad("settings.health_check.http_path must be visible ASCII", http().setHttpPath("/a b")),
        bad(
            "settings.health_check.http_expected_status must be 100..599, got 99",
            http().setHttpExpectedStatus(99)),
        bad(
            "settings.health_check.http_expected_status must be 100..599, got 600",
            http().setHttpExpectedStatus(600)),
        bad(
            "settings.health_check.http_host must be at most 255 characters, got 256",
            http().setHttpHost("h".repeat(256))),
        bad(
            "settings.health_check.http_host must be visible ASCII without spaces or control "
                + "characters (percent-encode others), got U+000A at index 7",
            http().setHttpHost("example\nX-Injected: 1")),
        bad(
            "settings.outlier_detection.consecutive_failures must be 1..1000, got 1001",
            outlier(OutlierDetection.newBuilder().setConsecutiveFailures(1001))),
        bad(
            "settings.outlier_detection.base_ejection_time must be a non-negative duration, got "
                + "-1s",
            outlier(OutlierDetection.newBuilder().setBaseEjectionTime(seconds(-1)))),
        bad(
            "settings.outlier_detection.max_ejection_time is not a valid duration",
            outlier(
                OutlierDetection.newBuilder()
                    .setMaxEjectionTime(Duration.newBuilder().setNanos(2_000_000_000)))),
        bad(
            "settings.outlier_detection.max_ejection_percent must be 0..100, got 101",
            outlier(OutlierDetection.newBuilder().setMaxEjectionPercent(101))),
        bad(
            "settings.outlier_detection.response_timeout must be 0 (off) or 1s..1h, got 999ms",
            outlier(OutlierDetection.newBuilder().setResponseTimeout(ms(999)))),
        bad(
            "settings.outlier_detection.response_timeout must be 0 (off) or 1s..1h, got 3601s",
            outlier(OutlierDetection.newBuilder().setResponseTimeout(seconds(3601)))),
        bad(
            "settings.outlier_detection.response_timeout needs outlier detection on, but "
                + "settings.outlier_detection.disabled is true",
            outlier(
                OutlierDetection.newBuilder().setDisabled(true).setResponseTimeout(seconds(5)))),
        bad(
            "settings.slow_start must be 0..1h, got 3600001ms",
            PoolSettings.newBuilder().setSlowStart(ms(3_600_001))),
        bad(
            "settings.slow_start must be 0..1h, got -0.000000001s",
            PoolSettings.newBuilder().setSlowStart(Duration.newBuilder().setNanos(-1))),
        bad(
            "settings.drain_timeout must be 0..24h, got 86401s",
            PoolSettings.newBuilder().setDrainTimeout(seconds(86_401))),
        bad(
            "settings.limits.connect_timeout must be 1ms..1m, got 0.000999s",
            limits(Limits.newBuilder().setConnectTimeout(Duration.newBuilder().setNanos(999_000)))),
        bad(
            "settings.limits.connect_timeout must be 1ms..1m, got 60001ms",
            limits(Limits.newBuilder().setConnectTimeout(ms(60_001)))),
        bad(
            "settings.limits.idle_timeout must be 0..7d, got 604801s",
            limits(Limits.newBuilder().setIdleTimeout(seconds(604_801)))),
        bad(
            "settings.tuning.socket_buffer_bytes must be 4096..16777216 (4 KiB..16 MiB), got 4095",
            tuning(Tuning.newBuilder().setSocketBufferBytes(4095))),
        bad(
            "settings.tuning.socket_buffer_bytes must be 4096..16777216 (4 KiB..16 MiB), got "
                + "16777217",
            tuning(Tuning.newBuilder().setSocketBufferBytes((16 << 20) + 1))),
        bad(
            "settings.tuning.write_buffer_low_bytes must be 1024..67108864 (1 KiB..64 MiB), got "
                + "1023",
            tuning(Tuning.newBuilder().setWriteBufferLowBytes(1023))),
        bad(
            "settings.tuning.write_buffer_high_bytes must be 1024..67108864 (1 KiB..64 MiB), got "
                + "67108865",
            tuning(Tuning.newBuilder().setWriteBufferHighBytes((64 << 20) + 1))),
        bad(
            "settings.tuning.write_buffer_low_bytes (65536) must be below "
                + "write_buffer_high_bytes (1024)",
            tuning(
                Tuning.newBuilder().setWriteBufferLowBytes(65536).setWriteBufferHighBytes(1024))),
        bad(
            "settings.tuning.write_buffer_low_bytes (2048) must be below "
                + "write_buffer_high_bytes (2048)",
            tuning(Tuning.newBuilder().setWriteBufferLowBytes(2048).setWriteBufferHighBytes(2048))),
        bad(
            "settings.tuning.write_buffer_low_bytes (65536) must be below "
                + "write_buffer_high_bytes (65536, the default)",
            tuning(Tuning.newBuilder().setWriteBufferLowBytes(65536))),
        bad(
            "settings.tuning.write_buffer_low_bytes (32768, the default) must be below "
                + "write_buffer_high_bytes (16384)",
            tuning(Tuning.newBuilder().setWriteBufferHighBytes(16384))),
        bad(
            "settings.proxy_protocol.send must be PROXY_PROTOCOL_OFF, PROXY_PROTOCOL_V1 or "
                + "PROXY_PROTOCOL_V2, got 3",
            PoolSettings.newBuilder().setProxyProtocol(ProxyProtocol.newBuilder().setSendValue(3))),
        bad(
            "settings has fields this weir-control does not know (numbers [99])",
            PoolSettings.newBuilder().setUnknownFields(unknownField(99))),
        bad(
            "settings.limits has fields this weir-control does not know (numbers [42])",
            limits(Limits.newBuilder().setMaxConnections(5).setUnknownFields(unknownField(42)))));
  }

  private static Arguments ok(String name, Object settings) {
    return Arguments.of(Named.of(name, wrap(settings)));
  }

  private static Arguments bad(String description, Object settings) {
    return Arguments.of(Named.of(description, wrap(settings)), description);
  }

  private static PoolSettings wrap(Object settings) {
    if (settings instanceof HealthCheck.Builder check) {
      return PoolSettings.newBuilder().setHealthCheck(check).build();
    }
    return ((PoolSettings.Builder) settings).build();
  }

  private static TlsTermination.Builder termination() {
    return TlsTermination.newBuilder()
        .setEnabled(true)
        .addCertificates(
            Certificate.newBuilder()
                .setCertFile("/etc/weir/web.pem")
                .setKeyFile("/etc/weir/web.key"));
  }

  private static PoolSettings.Builder tls(TlsTermination.Builder termination) {
    return PoolSettings.newBuilder().setTlsTermination(termination);
  }

  private static HealthCheck.Builder tcp() {
    return HealthCheck.newBuilder().setKind(HealthCheck.Kind.TCP);
  }

  private static HealthCheck.Builder http() {
    return HealthCheck.newBuilder().setKind(HealthCheck.Kind.HTTP);
  }

  private static PoolSettings.Builder outlier(OutlierDetection.Builder detection) {
    return PoolSettings.newBuilder().setOutlierDetection(detection);
  }

  private static PoolSettings.Builder limits(Limits.Builder limits) {
    return PoolSettings.newBuilder().setLimits(limits);
  }

  private static PoolSettings.Builder tuning(Tuning.Builder tuning) {
    return PoolSettings.newBuilder().setTuning(tuning);
  }

  private static UnknownFieldSet unknownField(int number) {
    return UnknownFieldSet.newBuilder()
        .addField(number, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .build();
  }

  public static Duration ms(long millis) {
    return Duration.newBuilder()
        .setSeconds(millis / 1000)
        .setNanos((int) (millis % 1000) * 1_000_000)
        .build();
  }

  public static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
