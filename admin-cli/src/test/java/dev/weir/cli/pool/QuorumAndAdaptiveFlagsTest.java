package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.util.FieldMaskUtil;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --health-quorum and the --adaptive-* flags: PoolSettings.health_quorum_percent and
 * adaptive_weights on pool create and pool set.
 */
class QuorumAndAdaptiveFlagsTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(
            PoolResponse.newBuilder()
                .setPool(Pool.newBuilder().setName("web"))
                .setConfigVersion(5)
                .build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void setSendsTheValuesGivenAndAMaskNamingExactlyThem() {
    Result result =
        controlPlane
            .cli()
            .run(
                "pool",
                "set",
                "web",
                "--health-quorum",
                "60",
                "--adaptive-weights",
                "--adaptive-max-percent",
                "150",
                "--adaptive-interval",
                "1m");

    assertThat(result.exitCode()).isZero();
    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactlyInAnyOrder(
            "settings.health_quorum_percent",
            "settings.adaptive_weights.enabled",
            "settings.adaptive_weights.max_percent",
            "settings.adaptive_weights.interval");
    assertThat(FieldMaskUtil.isValid(Pool.class, request.getUpdateMask())).isTrue();
    assertThat(request.getPool().getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setHealthQuorumPercent(60)
                .setAdaptiveWeights(
                    AdaptiveWeights.newBuilder()
                        .setEnabled(true)
                        .setMaxPercent(150)
                        .setInterval(Duration.newBuilder().setSeconds(60)))
                .build());
  }

  @Test
  void boundsAloneChangeOnlyTheBoundsNotWhetherAdaptiveWeightsAreOn() {
    controlPlane.cli().run("pool", "set", "web", "--adaptive-min-percent", "25%");

    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactly("settings.adaptive_weights.min_percent");
    assertThat(request.getPool().getSettings().getAdaptiveWeights())
        .isEqualTo(AdaptiveWeights.newBuilder().setMinPercent(25).build());
  }

  @Test
  void zeroPutsTheQuorumBackToItsDefault() {
    controlPlane.cli().run("pool", "set", "web", "--health-quorum", "0");

    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactly("settings.health_quorum_percent");
    assertThat(request.getPool().getSettings().getHealthQuorumPercent()).isZero();
  }

  @Test
  void createCanStartAPoolWithAdaptiveWeightsOff() {
    controlPlane.cli().run("pool", "create", "web", "--listen", ":8080", "--no-adaptive-weights");

    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setAdaptiveWeights(AdaptiveWeights.newBuilder().setEnabled(false))
                .build());
  }

  @Test
  void outOfRangeValuesAreLeftForTheServerToJudge() {
    controlPlane
        .cli()
        .run(
            "pool",
            "create",
            "web",
            "--listen",
            ":8080",
            "--health-quorum",
            "400",
            "--adaptive-min-percent",
            "0",
            "--adaptive-max-percent",
            "5000");

    PoolSettings settings =
        controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings();
    assertThat(settings.getHealthQuorumPercent()).isEqualTo(400);
    assertThat(settings.getAdaptiveWeights().getMinPercent()).isZero();
    assertThat(settings.getAdaptiveWeights().getMaxPercent()).isEqualTo(5000);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--health-quorum        | 60.5% | '60.5%' is not a percentage",
        "--adaptive-min-percent | ten   | 'ten' is not a percentage",
        "--adaptive-max-percent | 2x    | '2x' is not a percentage",
        "--adaptive-interval    | 10sec | '10sec' is not a duration"
      })
  void malformedValuesOnSetAreUsageErrorsNamingTheFlagAndNothingIsSent(
      String flag, String value, String problem) {
    Result result = controlPlane.cli().run("pool", "set", "web", flag, value);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .contains("'" + flag + "'", problem, "weirctl pool set --help");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void theSwitchesTakeOnlyABooleanAndMeanWhatItSays() {
    controlPlane.cli().run("pool", "set", "web", "--adaptive-weights=false");
    controlPlane.cli().run("pool", "set", "web", "--no-adaptive-weights=false");

    assertThat(controlPlane.service().requests(UpdatePoolRequest.class))
        .extracting(request -> request.getPool().getSettings().getAdaptiveWeights().getEnabled())
        .containsExactly(false, true);

    Result result = controlPlane.cli().run("pool", "set", "web", "--adaptive-weights=yes");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .contains("'--adaptive-weights'", "'yes' is not a boolean");
  }

  @ParameterizedTest
  @ValueSource(strings = {"create", "set"})
  void theFlagsHaveTheirOwnHeadingsInHelpAfterTheGuards(String command) {
    assertThat(controlPlane.cli().run("pool", command, "--help").out())
        .containsSubsequence(
            "Guards (override with --force):",
            "Fleet-wide health:",
            "--health-quorum=PERCENT",
            "Adaptive weights (off by default):",
            "--adaptive-weights",
            "--no-adaptive-weights",
            "--adaptive-min-percent=PERCENT",
            "--adaptive-max-percent=PERCENT",
            "--adaptive-interval=DURATION",
            "Values:");
  }
}
