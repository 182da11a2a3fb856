package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Tuning;
import org.junit.jupiter.api.Test;

class SettingsParserTest {

  private static PoolOptions parse(PoolSettings.Builder settings) throws InvalidConfigException {
    Pool.Builder pool =
        Pool.newBuilder()
            .setName("web")
            .setListen(":8080")
            .setAlgorithm(Algorithm.ROUND_ROBIN)
            .setSettings(settings);
    for (int i = 1; i <= 3; i++) {
      pool.addBackends(
          Backend.newBuilder()
              .setAddress("10.0.0." + i + ":80")
              .setWeight(1)
              .setState(BackendState.ACTIVE));
    }
    ProxyConfig config =
        SnapshotValidator.validate(ConfigSnapshot.newBuilder().addPools(pool).build());
    return config.pools().get(0).options();
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  @Test
  void unsetSettingsTakeTheDocumentedDefaults() throws Exception {
    PoolOptions options = parse(PoolSettings.newBuilder());

    assertThat(options).isEqualTo(PoolOptions.DEFAULTS);
    assertThat(options.healthCheck()).isNull();
    assertThat(options.outlier().enabled()).isTrue();
    assertThat(options.writeBufferLowBytes()).isEqualTo(32 * 1024);
    assertThat(options.writeBufferHighBytes()).isEqualTo(64 * 1024);
    assertThat(options.maglevTableSize()).isEqualTo(65537);
  }

  @Test
  void healthCheckFieldsLeftAtZeroTakeDefaults() throws Exception {
    PoolOptions options =
        parse(
            PoolSettings.newBuilder()
                .setHealthCheck(HealthCheck.newBuilder().setKind(HealthCheck.Kind.HTTP)));

    PoolOptions.HealthCheckOptions check = options.healthCheck();
    assertThat(check.http()).isTrue();
    assertThat(check.interval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(check.timeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(check.rise()).isEqualTo(2);
    assertThat(check.fall()).isEqualTo(3);
    assertThat(check.httpPath()).isEqualTo("/");
    assertThat(check.httpExpectedStatus()).isEqualTo(200);
  }

  @Test
  void givenValuesAreKept() throws Exception {
    PoolOptions options =
        parse(
            PoolSettings.newBuilder()
                .setSlowStart(seconds(30))
                .setDrainTimeout(seconds(60))
                .setLimits(
                    Limits.newBuilder()
                        .setMaxConnections(100)
                        .setMaxConnectionsPerBackend(10)
                        .setConnectTimeout(seconds(1))
                        .setIdleTimeout(seconds(300)))
                .setTuning(
                    Tuning.newBuilder()
                        .setSocketBufferBytes(1 << 20)
                        .setWriteBufferLowBytes(1 << 20)
                        .setWriteBufferHighBytes(4 << 20))
                .setOutlierDetection(
                    OutlierDetection.newBuilder()
                        .setConsecutiveFailures(2)
                        .setMaxEjectionPercent(30)
                        .setResponseTimeout(seconds(5))));

    assertThat(options.slowStart()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(options.drainTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
    assertThat(options.maxConnections()).isEqualTo(100);
    assertThat(options.maxConnectionsPerBackend()).isEqualTo(10);
    assertThat(options.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(options.idleTimeout()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(options.socketBufferBytes()).isEqualTo(1 << 20);
    assertThat(options.writeBufferHighBytes()).isEqualTo(4 << 20);
    assertThat(options.outlier().consecutiveFailures()).isEqualTo(2);
    assertThat(options.outlier().maxEjectionPercent()).isEqualTo(30);
    assertThat(options.outlier().baseEjection()).isEqualTo(java.time.Duration.ofSeconds(10));
    assertThat(options.outlier().responseTimeoutNanos()).isEqualTo(5_000_000_000L);
  }

  @Test
  void rejectsWhatTheProxyCannotHonourNamingTheField() {
    assertThatThrownBy(
            () ->
                parse(
                    PoolSettings.newBuilder()
                        .setTuning(
                            Tuning.newBuilder()
                                .setWriteBufferLowBytes(8192)
                                .setWriteBufferHighBytes(4096))))
        .hasMessageContaining("pool web: settings.tuning.write_buffer_low_bytes (8192)");
    assertThatThrownBy(() -> parse(PoolSettings.newBuilder().setMaglevTableSize(1000)))
        .hasMessageContaining("settings.maglev_table_size")
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> parse(PoolSettings.newBuilder().setSlowStart(seconds(-1))))
        .hasMessageContaining("settings.slow_start");
    assertThatThrownBy(
            () -> parse(PoolSettings.newBuilder().setHealthCheck(HealthCheck.newBuilder())))
        .hasMessageContaining("settings.health_check.kind must be TCP or HTTP");
    assertThatThrownBy(
            () ->
                parse(
                    PoolSettings.newBuilder()
                        .setHealthCheck(
                            HealthCheck.newBuilder()
                                .setKind(HealthCheck.Kind.HTTP)
                                .setHttpPath("/x\r\nEvil: 1"))))
        .hasMessageContaining("settings.health_check.http_path");
    assertThatThrownBy(
            () ->
                parse(
                    PoolSettings.newBuilder()
                        .setLimits(Limits.newBuilder().setIdleTimeout(seconds(8 * 24 * 3600)))))
        .hasMessageContaining("settings.limits.idle_timeout must be at most 7d");
    assertThatThrownBy(
            () ->
                parse(
                    PoolSettings.newBuilder()
                        .setOutlierDetection(
                            OutlierDetection.newBuilder().setResponseTimeout(seconds(7200)))))
        .hasMessageContaining(
            "settings.outlier_detection.response_timeout must be 0 (off) or" + " 1s..1h, got PT2H");
  }
}
