package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.api.v1.TlsRouting;
import dev.weir.api.v1.TlsTermination;
import dev.weir.api.v1.Tuning;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CreatePoolSettingsTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(
            PoolResponse.newBuilder()
                .setPool(Pool.newBuilder().setName("api").setListen(":443"))
                .setConfigVersion(3)
                .build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void everySettingsFlagLandsInItsPoolSettingsField() {
    Result result =
        create(
            "--health-check",
            "http",
            "--health-interval",
            "5s",
            "--health-timeout",
            "500ms",
            "--health-rise",
            "2",
            "--health-fall",
            "3",
            "--health-jitter",
            "15%",
            "--health-path",
            "/healthz",
            "--health-status",
            "204",
            "--health-host",
            "api.internal",
            "--outlier-failures",
            "7",
            "--outlier-base-ejection",
            "10s",
            "--outlier-max-ejection",
            "2m",
            "--outlier-max-percent",
            "30",
            "--response-timeout",
            "5s",
            "--slow-start",
            "30s",
            "--max-connections",
            "1000",
            "--max-connections-per-backend",
            "100",
            "--connect-timeout",
            "250ms",
            "--idle-timeout",
            "1h",
            "--drain-timeout",
            "45s",
            "--socket-buffer",
            "64k",
            "--write-buffer-low",
            "1048576",
            "--write-buffer-high",
            "2m",
            "--maglev-table-size",
            "65537",
            "--health-quorum",
            "60%",
            "--adaptive-weights",
            "--adaptive-min-percent",
            "50",
            "--adaptive-max-percent",
            "150%",
            "--adaptive-interval",
            "30s",
            "--send-proxy-protocol",
            "v1",
            "--accept-proxy-protocol");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setHealthCheck(
                    HealthCheck.newBuilder()
                        .setKind(HealthCheck.Kind.HTTP)
                        .setInterval(seconds(5))
                        .setTimeout(Duration.newBuilder().setNanos(500_000_000))
                        .setRise(2)
                        .setFall(3)
                        .setJitterPercent(15)
                        .setHttpPath("/healthz")
                        .setHttpExpectedStatus(204)
                        .setHttpHost("api.internal"))
                .setOutlierDetection(
                    OutlierDetection.newBuilder()
                        .setConsecutiveFailures(7)
                        .setBaseEjectionTime(seconds(10))
                        .setMaxEjectionTime(seconds(120))
                        .setMaxEjectionPercent(30)
                        .setResponseTimeout(seconds(5)))
                .setSlowStart(seconds(30))
                .setLimits(
                    Limits.newBuilder()
                        .setMaxConnections(1000)
                        .setMaxConnectionsPerBackend(100)
                        .setConnectTimeout(Duration.newBuilder().setNanos(250_000_000))
                        .setIdleTimeout(seconds(3600)))
                .setDrainTimeout(seconds(45))
                .setTuning(
                    Tuning.newBuilder()
                        .setSocketBufferBytes(65_536)
                        .setWriteBufferLowBytes(1_048_576)
                        .setWriteBufferHighBytes(2_097_152))
                .setMaglevTableSize(65_537)
                .setHealthQuorumPercent(60)
                .setAdaptiveWeights(
                    AdaptiveWeights.newBuilder()
                        .setEnabled(true)
                        .setMinPercent(50)
                        .setMaxPercent(150)
                        .setInterval(seconds(30)))
                .setProxyProtocol(
                    ProxyProtocol.newBuilder()
                        .setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V1)
                        .setAccept(true))
                .build());
  }

  @Test
  void httpConnectWithAuthoritiesLandsInItsField() {
    Result result =
        create(
            "--http-connect",
            "--connect-authority",
            "db.internal:5432",
            "--connect-authority",
            "[::1]:5432");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setHttpConnect(
                    HttpConnect.newBuilder()
                        .setEnabled(true)
                        .addAuthorities("db.internal:5432")
                        .addAuthorities("[::1]:5432"))
                .build());
  }

  @Test
  void serverNamesTurnTlsRoutingOnAndLandInTheirFields() {
    Result result =
        create(
            "--sni",
            "db.example.com",
            "--sni",
            "*.db.example.com",
            "--sni-default",
            "--sni-postgres",
            "--client-hello-timeout",
            "5s");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setTlsRouting(
                    TlsRouting.newBuilder()
                        .setEnabled(true)
                        .addServerNames("db.example.com")
                        .addServerNames("*.db.example.com")
                        .setDefaultPool(true)
                        .setPostgres(true)
                        .setClientHelloTimeout(seconds(5)))
                .build());
  }

  @Test
  void tlsTerminationFlagsLandInTheirFields() {
    Result result =
        create(
            "--tls-certificate",
            "/etc/weir/web.pem:/etc/weir/web.key",
            "--tls-certificate",
            "/etc/weir/api.pem:/etc/weir/api.key",
            "--tls-alpn",
            "h2,http/1.1",
            "--tls-min-version",
            "tls1.3",
            "--tls-client-ca",
            "/etc/weir/clients.pem",
            "--tls-client-auth",
            "required",
            "--tls-handshake-timeout",
            "5s",
            "--backend-tls-ca",
            "/etc/weir/internal.pem",
            "--backend-tls-server-name",
            "db.internal");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setTlsTermination(
                    TlsTermination.newBuilder()
                        .setEnabled(true)
                        .addCertificates(
                            Certificate.newBuilder()
                                .setCertFile("/etc/weir/web.pem")
                                .setKeyFile("/etc/weir/web.key"))
                        .addCertificates(
                            Certificate.newBuilder()
                                .setCertFile("/etc/weir/api.pem")
                                .setKeyFile("/etc/weir/api.key"))
                        .addAlpn("h2")
                        .addAlpn("http/1.1")
                        .setMinVersion("TLS1.3")
                        .setClientAuth(
                            ClientAuth.newBuilder()
                                .setCaFile("/etc/weir/clients.pem")
                                .setRequired(true))
                        .setHandshakeTimeout(seconds(5))
                        .setBackendTls(
                            BackendTls.newBuilder()
                                .setEnabled(true)
                                .setCaFile("/etc/weir/internal.pem")
                                .setServerName("db.internal")))
                .build());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--tls-certificate | web.pem:web.key          | absolute paths on the proxy hosts",
        "--tls-certificate | /etc/weir/web.pem         | CERT_FILE:KEY_FILE",
        "--tls-client-ca   | clients.pem              | --tls-client-ca needs an absolute path",
        "--tls-min-version | TLS1.1                   | must be TLS1.2 or TLS1.3",
        "--tls-client-auth | sometimes                | must be required or optional",
      })
  void badTlsFlagsAreUsageErrorsNamingTheFlagAndNothingIsSent(
      String flag, String value, String problem) {
    Result result = create(flag, value);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(flag, problem);
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aConnectAuthorityWithoutAPortIsABadUsageAndSendsNothing() {
    Result result = create("--http-connect", "--connect-authority", "db.internal");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--connect-authority");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anUnknownProxyProtocolVersionNamesTheChoices() {
    Result result = create("--send-proxy-protocol", "v3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--send-proxy-protocol")
        .contains("'v3' is not one of off, v1, v2");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void withoutSettingsFlagsTheRequestHasNoSettings() {
    create("--algorithm", "maglev");

    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).hasSettings()).isFalse();
  }

  @Test
  void healthCheckNoneSendsNoHealthCheck() {
    create("--health-check", "none", "--idle-timeout", "5m");

    PoolSettings settings =
        controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings();
    assertThat(settings.hasHealthCheck()).isFalse();
    assertThat(settings.getLimits().getIdleTimeout()).isEqualTo(seconds(300));
  }

  @Test
  void noOutlierDetectionDisablesIt() {
    create("--no-outlier-detection");

    assertThat(
            controlPlane
                .service()
                .onlyRequest(CreatePoolRequest.class)
                .getSettings()
                .getOutlierDetection())
        .isEqualTo(OutlierDetection.newBuilder().setDisabled(true).build());
  }

  @ParameterizedTest
  @CsvSource({"4096, 4096", "64k, 65536", "64K, 65536", "1m, 1048576", "16M, 16777216"})
  void byteSizesAcceptPlainBytesAndBinarySuffixes(String typed, int bytes) {
    create("--socket-buffer", typed);

    assertThat(
            controlPlane
                .service()
                .onlyRequest(CreatePoolRequest.class)
                .getSettings()
                .getTuning()
                .getSocketBufferBytes())
        .isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--health-interval      | 5     | '5' is not a duration",
        "--idle-timeout         | 1.5m  | '1.5m' is not a duration",
        "--health-rise          | two   | 'two' is not a whole number",
        "--max-connections      | -1    | '-1' is not a whole number",
        "--health-status        | 2e2   | '2e2' is not a whole number",
        "--health-jitter        | 10.5% | '10.5%' is not a percentage",
        "--socket-buffer        | 64kb  | '64kb' is not a size",
        "--socket-buffer        | 8g    | '8g' is too large",
        "--health-check         | udp   | 'udp' is not one of tcp, http, none",
        "--health-quorum        | half  | 'half' is not a percentage",
        "--adaptive-min-percent | -10   | '-10' is not a percentage",
        "--adaptive-max-percent | 1.5   | '1.5' is not a percentage",
        "--adaptive-interval    | 30    | '30' is not a duration"
      })
  void malformedValuesAreUsageErrorsNamingTheFlagAndNothingIsSent(
      String flag, String value, String problem) {
    Result result = create(flag, value);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .contains("'" + flag + "'", problem, "weirctl pool create --help");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void outOfRangeValuesAreLeftForTheServerToJudge() {
    create("--health-jitter", "400", "--health-status", "999");

    HealthCheck check =
        controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings().getHealthCheck();
    assertThat(check.getJitterPercent()).isEqualTo(400);
    assertThat(check.getHttpExpectedStatus()).isEqualTo(999);
  }

  private Result create(String... settings) {
    List<String> args = new ArrayList<>(List.of("pool", "create", "api", "--listen", ":443"));
    args.addAll(List.of(settings));
    return controlPlane.cli().run(args.toArray(String[]::new));
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
