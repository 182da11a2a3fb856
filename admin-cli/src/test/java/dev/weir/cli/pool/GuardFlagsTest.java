package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** --min-healthy and --max-drain-percent: PoolSettings.guards on pool create and pool set. */
class GuardFlagsTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(
            PoolResponse.newBuilder()
                .setPool(Pool.newBuilder().setName("web"))
                .setConfigVersion(4)
                .build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void createSendsBothGuards() {
    Result result =
        controlPlane
            .cli()
            .run(
                "pool",
                "create",
                "web",
                "--listen",
                ":8080",
                "--min-healthy",
                "2",
                "--max-drain-percent",
                "25%");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getSettings())
        .isEqualTo(
            PoolSettings.newBuilder()
                .setGuards(Guards.newBuilder().setMinHealthyBackends(2).setMaxDrainPercent(25))
                .build());
  }

  @Test
  void setNamesOnlyTheGuardItChangesSoZeroClearsIt() {
    controlPlane.cli().run("pool", "set", "web", "--min-healthy", "0");

    UpdatePoolRequest request = controlPlane.service().onlyRequest(UpdatePoolRequest.class);
    assertThat(request.getUpdateMask().getPathsList())
        .containsExactly("settings.guards.min_healthy_backends");
    assertThat(request.getPool().getSettings().getGuards().getMinHealthyBackends()).isZero();
  }

  @Test
  void theGuardFlagsHaveTheirOwnHeadingInHelp() {
    assertThat(controlPlane.cli().run("pool", "set", "--help").out())
        .containsSubsequence(
            "Guards (override with --force):", "--min-healthy=N", "--max-drain-percent=PERCENT");
  }

  @Test
  void poolShowSummarisesTheGuardsSet() {
    assertThat(
            SettingsSummary.of(
                PoolSettings.newBuilder()
                    .setGuards(Guards.newBuilder().setMinHealthyBackends(2).setMaxDrainPercent(25))
                    .build()))
        .containsEntry("Guards", "min healthy 2, max draining 25%");
    assertThat(
            SettingsSummary.of(
                PoolSettings.newBuilder()
                    .setGuards(Guards.newBuilder().setMaxDrainPercent(10))
                    .build()))
        .containsEntry("Guards", "max draining 10%");
  }
}
