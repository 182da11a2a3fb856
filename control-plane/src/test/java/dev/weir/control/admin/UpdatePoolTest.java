package dev.weir.control.admin;

import static dev.weir.control.testing.Rejections.assertRejected;
import static dev.weir.control.testing.SettingsCases.seconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpdatePoolTest {
  private static final HealthCheck CHECK =
      HealthCheck.newBuilder()
          .setKind(HealthCheck.Kind.TCP)
          .setInterval(seconds(2))
          .setRise(3)
          .build();
  private static final PoolSettings SETTINGS =
      PoolSettings.newBuilder()
          .setHealthCheck(CHECK)
          .setLimits(Limits.newBuilder().setMaxConnections(100).setIdleTimeout(seconds(60)))
          .build();

  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithTwoPools() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .setSettings(SETTINGS)
                .build());
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("api").setListen(":9000").build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void onlyTheMaskedFieldChangesAndTheVersionGoesUpByOne() {
    Pool before = web();
    Pool request =
        Pool.newBuilder()
            .setName("web")
            .setListen(":1234")
            .setAlgorithm(Algorithm.P2C)
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(HealthCheck.newBuilder().setKind(HealthCheck.Kind.HTTP))
                    .setLimits(Limits.newBuilder().setIdleTimeout(seconds(300))))
            .build();

    PoolResponse updated =
        control.admin().updatePool(update(request, "settings.limits.idle_timeout"));

    assertThat(updated.getConfigVersion()).isEqualTo(4);
    assertThat(updated.getPool())
        .isEqualTo(
            before.toBuilder()
                .setSettings(
                    SETTINGS.toBuilder()
                        .setLimits(SETTINGS.getLimits().toBuilder().setIdleTimeout(seconds(300))))
                .build());
    assertThat(web()).isEqualTo(updated.getPool());
  }

  @Test
  void listenAndAlgorithmChangeTogetherInOneVersion() {
    PoolResponse updated =
        control
            .admin()
            .updatePool(
                update(
                    Pool.newBuilder()
                        .setName("web")
                        .setListen("0.0.0.0:8081")
                        .setAlgorithm(Algorithm.LEAST_CONNECTIONS)
                        .build(),
                    "listen",
                    "algorithm"));

    assertThat(updated.getConfigVersion()).isEqualTo(4);
    assertThat(updated.getPool().getListen()).isEqualTo("0.0.0.0:8081");
    assertThat(updated.getPool().getAlgorithm()).isEqualTo(Algorithm.LEAST_CONNECTIONS);
    assertThat(updated.getPool().getSettings()).isEqualTo(SETTINGS);
  }

  @Test
  void aMaskedFieldTheRequestLeavesUnsetIsCleared() {
    PoolResponse updated =
        control
            .admin()
            .updatePool(update(Pool.newBuilder().setName("web").build(), "settings.health_check"));

    assertThat(updated.getPool().getSettings().hasHealthCheck()).isFalse();
    assertThat(updated.getPool().getSettings().getLimits()).isEqualTo(SETTINGS.getLimits());
  }

  @Test
  void aFieldBelowAMaskedOneCanBeSetAlone() {
    PoolResponse updated =
        control
            .admin()
            .updatePool(
                update(
                    Pool.newBuilder()
                        .setName("web")
                        .setSettings(
                            PoolSettings.newBuilder()
                                .setHealthCheck(HealthCheck.newBuilder().setRise(7)))
                        .build(),
                    "settings.health_check.rise"));

    assertThat(updated.getPool().getSettings().getHealthCheck())
        .isEqualTo(CHECK.toBuilder().setRise(7).build());
  }

  @Test
  void anUpdateIsPushedToConnectedProxies() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null && proxy.latest().getVersion() == 3);

    control
        .admin()
        .updatePool(
            update(
                Pool.newBuilder()
                    .setName("web")
                    .setSettings(PoolSettings.newBuilder().setSlowStart(seconds(30)))
                    .build(),
                "settings.slow_start"));

    await().until(() -> proxy.latest().getVersion() == 4);
    ConfigSnapshot pushed = proxy.latest();
    assertThat(pushed.getPoolsList())
        .filteredOn(p -> p.getName().equals("web"))
        .singleElement()
        .satisfies(p -> assertThat(p.getSettings().getSlowStart()).isEqualTo(seconds(30)));
  }

  @Test
  void anUpdateThatChangesNothingMakesNoNewVersion() {
    PoolResponse same =
        control.admin().updatePool(update(web(), "listen", "algorithm", "settings"));
    // An explicit zero duration means the default, which is what an unset one means too.
    PoolResponse zero =
        control
            .admin()
            .updatePool(
                update(
                    Pool.newBuilder()
                        .setName("api")
                        .setSettings(
                            PoolSettings.newBuilder()
                                .setLimits(Limits.newBuilder().setIdleTimeout(seconds(0))))
                        .build(),
                    "settings.limits.idle_timeout"));

    assertThat(same.getConfigVersion()).isEqualTo(3);
    assertThat(zero.getConfigVersion()).isEqualTo(3);
    assertThat(zero.getPool().hasSettings()).isFalse();
    assertThat(control.listPools().getConfigVersion()).isEqualTo(3);
  }

  @Test
  void updatedSettingsSurviveARestart() throws Exception {
    control
        .admin()
        .updatePool(
            update(
                Pool.newBuilder()
                    .setName("web")
                    .setSettings(PoolSettings.newBuilder().setDrainTimeout(seconds(90)))
                    .build(),
                "settings.drain_timeout"));
    Pool updated = web();
    control.close();

    control = new InProcessControlPlane(dataDir);

    assertThat(web()).isEqualTo(updated);
    assertThat(web().getSettings().getDrainTimeout()).isEqualTo(seconds(90));
    assertThat(control.listPools().getConfigVersion()).isEqualTo(4);
  }

  @Test
  void anEmptyMaskIsInvalid() {
    assertRejected(
        control,
        () -> control.admin().updatePool(update(web())),
        Status.Code.INVALID_ARGUMENT,
        "update_mask is empty",
        "allowed paths are listen, algorithm, settings and any path under settings");
  }

  @Test
  void theNameCannotBeUpdated() {
    assertRejected(
        control,
        () -> control.admin().updatePool(update(web(), "name")),
        Status.Code.INVALID_ARGUMENT,
        "update_mask path \"name\" cannot be changed",
        "allowed paths are listen, algorithm, settings");
  }

  @Test
  void backendsCannotBeUpdatedHereAndTheErrorSaysWhereTo() {
    assertRejected(
        control,
        () -> control.admin().updatePool(update(web(), "algorithm", "backends")),
        Status.Code.INVALID_ARGUMENT,
        "update_mask path \"backends\" cannot be changed here",
        "AddBackend",
        "allowed paths are listen, algorithm, settings");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "nope",
        "settings.nope",
        "listen.port",
        "settings.",
        ".settings",
        "settings..limits",
        "",
        "Settings"
      })
  void aPathThatIsNotAnUpdatableFieldIsInvalid(String path) {
    assertRejected(
        control,
        () -> control.admin().updatePool(update(web(), path)),
        Status.Code.INVALID_ARGUMENT,
        "update_mask path \"" + path + "\" is not a field",
        "allowed paths are listen, algorithm, settings");
  }

  @Test
  void anUnknownPoolIsNotFound() {
    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(update(Pool.newBuilder().setName("nope").build(), "algorithm")),
        Status.Code.NOT_FOUND,
        "pool \"nope\" not found");
  }

  @Test
  void aListenPortAnotherPoolUsesAlreadyExists() {
    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(
                    update(
                        Pool.newBuilder().setName("web").setListen("127.0.0.1:9000").build(),
                        "listen")),
        Status.Code.ALREADY_EXISTS,
        "listen port 9000 is already used by pool \"api\"");
  }

  @Test
  void aMalformedListenAddressIsInvalid() {
    assertRejected(
        control,
        () ->
            control.admin().updatePool(update(Pool.newBuilder().setName("web").build(), "listen")),
        Status.Code.INVALID_ARGUMENT,
        "listen \"\" is invalid");
  }

  @Test
  void anUnknownAlgorithmIsInvalidListingTheAllowedOnes() {
    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(
                    update(
                        Pool.newBuilder().setName("web").setAlgorithmValue(9).build(),
                        "algorithm")),
        Status.Code.INVALID_ARGUMENT,
        "algorithm must be ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, "
            + "LEAST_CONNECTIONS, P2C or MAGLEV, got 9");
  }

  @Test
  void aMaskedSettingIsCheckedAgainstTheSettingsItKeeps() {
    // The check's interval stays 2s, so a 3s timeout is too long for it.
    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(
                    update(
                        Pool.newBuilder()
                            .setName("web")
                            .setSettings(
                                PoolSettings.newBuilder()
                                    .setHealthCheck(
                                        HealthCheck.newBuilder().setTimeout(seconds(3))))
                            .build(),
                        "settings.health_check.timeout")),
        Status.Code.INVALID_ARGUMENT,
        "settings.health_check.timeout must be 0..2s (at most the interval), got 3s");
  }

  private Pool web() {
    return control.admin().getPool(GetPoolRequest.newBuilder().setName("web").build()).getPool();
  }

  private static UpdatePoolRequest update(Pool pool, String... paths) {
    return UpdatePoolRequest.newBuilder()
        .setPool(pool)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)))
        .build();
  }
}
