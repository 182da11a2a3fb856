package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.util.FieldMaskUtil;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SetPoolCommandTest {

  private static final PoolResponse RESPONSE =
      PoolResponse.newBuilder()
          .setPool(Pool.newBuilder().setName("web").setListen(":8080"))
          .setConfigVersion(9)
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane.service().respondWith(RESPONSE);
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void sendsOnlyTheGivenValuesAndAMaskNamingExactlyThem() {
    Result result =
        controlPlane
            .cli()
            .run(
                "pool",
                "set",
                "web",
                "--health-interval",
                "5s",
                "--idle-timeout",
                "5m",
                "--algorithm",
                "p2c");

    assertThat(result.exitCode()).isZero();
    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactlyInAnyOrder(
            "algorithm", "settings.health_check.interval", "settings.limits.idle_timeout");
    assertThat(request.getPool())
        .isEqualTo(
            Pool.newBuilder()
                .setName("web")
                .setAlgorithm(Algorithm.P2C)
                .setSettings(
                    PoolSettings.newBuilder()
                        .setHealthCheck(HealthCheck.newBuilder().setInterval(seconds(5)))
                        .setLimits(Limits.newBuilder().setIdleTimeout(seconds(300))))
                .build());
  }

  @ParameterizedTest
  @CsvSource({
    "--listen, :9090, listen",
    "--algorithm, maglev, algorithm",
    "--health-check, tcp, settings.health_check.kind",
    "--health-interval, 5s, settings.health_check.interval",
    "--health-timeout, 2s, settings.health_check.timeout",
    "--health-rise, 2, settings.health_check.rise",
    "--health-fall, 3, settings.health_check.fall",
    "--health-jitter, 10%, settings.health_check.jitter_percent",
    "--health-path, /healthz, settings.health_check.http_path",
    "--health-status, 204, settings.health_check.http_expected_status",
    "--health-host, api.internal, settings.health_check.http_host",
    "--outlier-failures, 5, settings.outlier_detection.consecutive_failures",
    "--outlier-base-ejection, 10s, settings.outlier_detection.base_ejection_time",
    "--outlier-max-ejection, 5m, settings.outlier_detection.max_ejection_time",
    "--outlier-max-percent, 50, settings.outlier_detection.max_ejection_percent",
    "--response-timeout, 5s, settings.outlier_detection.response_timeout",
    "--slow-start, 30s, settings.slow_start",
    "--max-connections, 1000, settings.limits.max_connections",
    "--max-connections-per-backend, 100, settings.limits.max_connections_per_backend",
    "--connect-timeout, 1s, settings.limits.connect_timeout",
    "--idle-timeout, 5m, settings.limits.idle_timeout",
    "--drain-timeout, 30s, settings.drain_timeout",
    "--socket-buffer, 256k, settings.tuning.socket_buffer_bytes",
    "--write-buffer-low, 32k, settings.tuning.write_buffer_low_bytes",
    "--write-buffer-high, 1m, settings.tuning.write_buffer_high_bytes",
    "--maglev-table-size, 65537, settings.maglev_table_size",
    "--health-quorum, 60%, settings.health_quorum_percent",
    "--adaptive-min-percent, 50, settings.adaptive_weights.min_percent",
    "--adaptive-max-percent, 150, settings.adaptive_weights.max_percent",
    "--adaptive-interval, 30s, settings.adaptive_weights.interval",
    "--send-proxy-protocol, v2, settings.proxy_protocol.send",
    "--accept-proxy-protocol, true, settings.proxy_protocol.accept",
    "--http-connect, true, settings.http_connect.enabled",
    "--connect-authority, db:5432, settings.http_connect.authorities"
  })
  void eachFlagPutsOneRealPoolFieldInTheMask(String flag, String value, String path) {
    controlPlane.cli().run("pool", "set", "web", flag, value);

    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList()).containsExactly(path);
    assertThat(FieldMaskUtil.isValid(Pool.class, request.getUpdateMask())).isTrue();
  }

  @Test
  void serverNamesSetTlsRoutingOnAndTurningItOffClearsIt() {
    controlPlane.cli().run("pool", "set", "web", "--sni", "a.example.com");
    controlPlane.cli().run("pool", "set", "web", "--tls-routing=false");

    assertThat(controlPlane.service().requests())
        .map(r -> List.copyOf(((UpdatePoolRequest) r).getUpdateMask().getPathsList()))
        .containsExactly(
            List.of("settings.tls_routing.enabled", "settings.tls_routing.server_names"),
            List.of("settings.tls_routing"));
  }

  @Test
  void aCertificateTurnsTlsTerminationOnAndTurningItOffClearsIt() {
    controlPlane
        .cli()
        .run("pool", "set", "web", "--tls-certificate", "/etc/weir/web.pem:/etc/weir/web.key");
    controlPlane.cli().run("pool", "set", "web", "--backend-tls=false");
    controlPlane.cli().run("pool", "set", "web", "--tls-termination=false");

    assertThat(controlPlane.service().requests())
        .map(r -> List.copyOf(((UpdatePoolRequest) r).getUpdateMask().getPathsList()))
        .containsExactly(
            List.of("settings.tls_termination.enabled", "settings.tls_termination.certificates"),
            List.of("settings.tls_termination.backend_tls"),
            List.of("settings.tls_termination"));
    assertThat(controlPlane.service().requests())
        .allSatisfy(
            r ->
                assertThat(
                        FieldMaskUtil.isValid(Pool.class, ((UpdatePoolRequest) r).getUpdateMask()))
                    .isTrue());
  }

  @Test
  void outlierDetectionCanBeTurnedOffAndBackOn() {
    controlPlane.cli().run("pool", "set", "web", "--no-outlier-detection");
    controlPlane.cli().run("pool", "set", "web", "--outlier-detection");

    assertThat(controlPlane.service().requests())
        .extracting(request -> (UpdatePoolRequest) request)
        .allSatisfy(
            request ->
                assertThat(request.getUpdateMask().getPathsList())
                    .containsExactly("settings.outlier_detection.disabled"))
        .extracting(request -> request.getPool().getSettings().getOutlierDetection().getDisabled())
        .containsExactly(true, false);
  }

  @Test
  void adaptiveWeightsCanBeTurnedOnAndBackOff() {
    controlPlane.cli().run("pool", "set", "web", "--adaptive-weights");
    controlPlane.cli().run("pool", "set", "web", "--no-adaptive-weights");

    assertThat(controlPlane.service().requests())
        .extracting(request -> (UpdatePoolRequest) request)
        .allSatisfy(
            request ->
                assertThat(request.getUpdateMask().getPathsList())
                    .containsExactly("settings.adaptive_weights.enabled"))
        .extracting(request -> request.getPool().getSettings().getAdaptiveWeights().getEnabled())
        .containsExactly(true, false);
  }

  @Test
  void healthCheckNoneClearsTheWholeHealthCheck() {
    Result result = controlPlane.cli().run("pool", "set", "web", "--health-check", "none");

    assertThat(result.exitCode()).isZero();
    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList()).containsExactly("settings.health_check");
    assertThat(request.getPool().hasSettings()).isFalse();
  }

  @Test
  void healthCheckNoneTogetherWithOtherHealthFlagsIsAUsageError() {
    Result result =
        controlPlane
            .cli()
            .run("pool", "set", "web", "--health-check", "none", "--health-interval", "5s");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .contains("--health-check none cannot be combined with other --health-* flags");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void zeroDurationPutsTheSettingBackToItsDefault() {
    controlPlane.cli().run("pool", "set", "web", "--slow-start", "0");

    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList()).containsExactly("settings.slow_start");
    assertThat(request.getPool().getSettings().getSlowStart())
        .isEqualTo(Duration.getDefaultInstance());
  }

  @Test
  void withoutAnyFlagItIsAUsageErrorListingTheFlags() {
    Result result = controlPlane.cli().run("pool", "set", "web");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: nothing to change: give one or more of --listen, --algorithm, ")
        .contains("--health-check", "--outlier-failures", "--idle-timeout", "--maglev-table-size")
        .contains("--health-quorum", "--adaptive-weights", "--adaptive-interval")
        .doesNotContain("--version", "--output", "--timeout", "--control-plane")
        .endsWith("see 'weirctl pool set --help'");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aFlagGivenTwiceIsAUsageErrorNamingIt() {
    Result result =
        controlPlane.cli().run("pool", "set", "web", "--health-rise", "2", "--health-rise=3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .isEqualTo(
            "error: option '--health-rise' should be specified only once; "
                + "see 'weirctl pool set --help'");
  }

  @Test
  void printsOneConfirmationLineWithTheConfigVersion() {
    Result result = controlPlane.cli().run("pool", "set", "web", "--max-connections", "1000");

    assertThat(result.out()).isEqualTo("pool web updated (config version 9)\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void asJsonPrintsTheResponseMessage() throws Exception {
    Result result =
        controlPlane.cli().run("pool", "set", "web", "--drain-timeout", "30s", "-o", "json");

    PoolResponse.Builder parsed = PoolResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(RESPONSE);
  }

  @Test
  void aRefusalFromTheServerIsOneLineAndExitCodeOne() {
    controlPlane
        .service()
        .failWith(
            Status.INVALID_ARGUMENT.withDescription(
                "pool web: settings.health_check.interval must be 100ms..1h, got 2h"));

    Result result = controlPlane.cli().run("pool", "set", "web", "--health-interval", "2h");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: pool web: settings.health_check.interval must be 100ms..1h, got 2h");
    assertThat(result.out()).isEmpty();
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
