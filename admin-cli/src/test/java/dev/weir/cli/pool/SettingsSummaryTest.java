package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.google.protobuf.Duration;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.TlsTermination;
import dev.weir.api.v1.Tuning;
import org.junit.jupiter.api.Test;

class SettingsSummaryTest {

  @Test
  void aPoolWithNoSettingsSaysOnlyThatItHasNoHealthCheck() {
    assertThat(SettingsSummary.of(PoolSettings.getDefaultInstance()))
        .containsExactly(entry("Health check", "none"));
  }

  @Test
  void aHealthCheckNamesOnlyTheValuesThatAreSet() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setHealthCheck(
                HealthCheck.newBuilder()
                    .setKind(HealthCheck.Kind.HTTP)
                    .setHttpExpectedStatus(204)
                    .setHttpHost("api.internal")
                    .setJitterPercent(20))
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry("Health check", "http, jitter 20%, expect 204, Host api.internal");
  }

  @Test
  void httpConnectNamesItsTargetsOrTheDefault() {
    PoolSettings defaults =
        PoolSettings.newBuilder().setHttpConnect(HttpConnect.newBuilder().setEnabled(true)).build();
    PoolSettings listed =
        PoolSettings.newBuilder()
            .setHttpConnect(
                HttpConnect.newBuilder()
                    .setEnabled(true)
                    .addAuthorities("db:5432")
                    .addAuthorities("db.internal:5432"))
            .build();

    assertThat(SettingsSummary.of(defaults))
        .containsEntry("HTTP CONNECT", "on, for the pool's name and port");
    assertThat(SettingsSummary.of(listed))
        .containsEntry("HTTP CONNECT", "on, for db:5432, db.internal:5432");
    assertThat(SettingsSummary.of(PoolSettings.getDefaultInstance()))
        .doesNotContainKey("HTTP CONNECT");
  }

  @Test
  void tlsTerminationNamesItsFilesAndWhatIsAskedOfClientsAndBackends() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setTlsTermination(
                TlsTermination.newBuilder()
                    .setEnabled(true)
                    .addCertificates(
                        Certificate.newBuilder()
                            .setCertFile("/etc/weir/web.pem")
                            .setKeyFile("/etc/weir/web.key"))
                    .addAlpn("h2")
                    .setMinVersion("TLS1.3")
                    .setClientAuth(
                        ClientAuth.newBuilder()
                            .setCaFile("/etc/weir/clients.pem")
                            .setRequired(true))
                    .setBackendTls(BackendTls.newBuilder().setEnabled(true)))
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry(
            "TLS",
            "terminated with /etc/weir/web.pem (key /etc/weir/web.key); ALPN h2; TLS1.3 and later;"
                + " client certificates required (CA /etc/weir/clients.pem); re-encrypted to the"
                + " backends (CA the JDK's, name the backend's host)");
    assertThat(SettingsSummary.of(PoolSettings.getDefaultInstance())).doesNotContainKey("TLS");
  }

  @Test
  void outlierDetectionThatIsOffSaysOff() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setOutlierDetection(
                OutlierDetection.newBuilder().setDisabled(true).setConsecutiveFailures(5))
            .build();

    assertThat(SettingsSummary.of(settings)).containsEntry("Outliers", "off");
  }

  @Test
  void outlierDetectionNamesItsThresholdTimesAndCap() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setOutlierDetection(
                OutlierDetection.newBuilder()
                    .setConsecutiveFailures(5)
                    .setMaxEjectionTime(seconds(300))
                    .setMaxEjectionPercent(50))
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry(
            "Outliers", "eject after 5 connect failures, for up to 5m, at most 50% of backends");
  }

  @Test
  void aResponseTimeoutIsNamedWithTheOutlierSettings() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setOutlierDetection(
                OutlierDetection.newBuilder()
                    .setConsecutiveFailures(3)
                    .setResponseTimeout(seconds(5)))
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry(
            "Outliers",
            "eject after 3 connect failures or unanswered connections, response timeout 5s");
  }

  @Test
  void aPerBackendLimitOnItsOwnSaysWhatItLimits() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setLimits(
                Limits.newBuilder()
                    .setMaxConnectionsPerBackend(100)
                    .setConnectTimeout(Duration.newBuilder().setNanos(250_000_000)))
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry("Limits", "max 100 connections per backend, connect timeout 250ms");
  }

  @Test
  void zeroValuesMeanTheDefaultAndAreNotListed() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setSlowStart(Duration.getDefaultInstance())
            .setLimits(Limits.newBuilder().setIdleTimeout(Duration.getDefaultInstance()))
            .setTuning(Tuning.getDefaultInstance())
            .build();

    assertThat(SettingsSummary.of(settings)).containsOnlyKeys("Health check");
  }

  @Test
  void buffersAndTheMaglevTableAreShownInTheFormsTheFlagsTake() {
    PoolSettings settings =
        PoolSettings.newBuilder()
            .setTuning(
                Tuning.newBuilder()
                    .setSocketBufferBytes(1_048_576)
                    .setWriteBufferLowBytes(32_768)
                    .setWriteBufferHighBytes(100_000))
            .setMaglevTableSize(65_537)
            .build();

    assertThat(SettingsSummary.of(settings))
        .containsEntry("Buffers", "socket 1m, write low 32k, write high 100000")
        .containsEntry("Maglev table", "65537");
  }

  @Test
  void theQuorumSaysWhatItIsAShareOf() {
    assertThat(SettingsSummary.of(PoolSettings.newBuilder().setHealthQuorumPercent(60).build()))
        .containsEntry("Health quorum", "60% of proxies");
  }

  @Test
  void adaptiveWeightsNameTheBoundsThatAreSet() {
    assertThat(SettingsSummary.of(adaptive(AdaptiveWeights.newBuilder().setEnabled(true))))
        .containsEntry("Weights", "adaptive");
    assertThat(
            SettingsSummary.of(
                adaptive(AdaptiveWeights.newBuilder().setEnabled(true).setMinPercent(50))))
        .containsEntry("Weights", "adaptive, at least 50% of the configured weight");
    assertThat(
            SettingsSummary.of(
                adaptive(
                    AdaptiveWeights.newBuilder()
                        .setEnabled(true)
                        .setMaxPercent(150)
                        .setInterval(seconds(30)))))
        .containsEntry("Weights", "adaptive, at most 150% of the configured weight, every 30s");
  }

  @Test
  void adaptiveWeightsTurnedOffSayTheConfiguredWeightsApply() {
    assertThat(
            SettingsSummary.of(
                adaptive(AdaptiveWeights.newBuilder().setEnabled(false).setMinPercent(50))))
        .containsEntry("Weights", "as configured (adaptive off)");
  }

  private static PoolSettings adaptive(AdaptiveWeights.Builder adaptive) {
    return PoolSettings.newBuilder().setAdaptiveWeights(adaptive).build();
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }
}
