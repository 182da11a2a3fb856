package dev.weir.control.admin;

import static dev.weir.control.testing.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Pool settings through the API: kept as given when valid, refused whole when not. */
class PoolSettingsTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#accepted")
  void createPoolStoresValidSettingsExactlyAsGiven(PoolSettings settings) {
    PoolResponse created = control.admin().createPool(create("api", ":9000", settings));

    assertThat(created.getConfigVersion()).isEqualTo(2);
    assertThat(created.getPool().getSettings()).isEqualTo(settings);
    assertThat(control.listPools().getPools(0).getSettings()).isEqualTo(settings);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#accepted")
  void updatePoolStoresValidSettingsExactlyAsGiven(PoolSettings settings) {
    PoolResponse updated = control.admin().updatePool(replaceSettings(settings));

    assertThat(updated.getConfigVersion()).isEqualTo(2);
    assertThat(updated.getPool().getSettings()).isEqualTo(settings);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#rejected")
  void createPoolWithASettingOutOfBoundsChangesNothing(PoolSettings settings, String error) {
    assertRejected(
        control,
        () -> control.admin().createPool(create("api", ":9000", settings)),
        Status.Code.INVALID_ARGUMENT,
        error);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.weir.control.testing.SettingsCases#rejected")
  void updatePoolWithASettingOutOfBoundsChangesNothing(PoolSettings settings, String error) {
    assertRejected(
        control,
        () -> control.admin().updatePool(replaceSettings(settings)),
        Status.Code.INVALID_ARGUMENT,
        error);
  }

  @Test
  void settingsHoldingOnlyDefaultsAreStoredAsNoSettings() {
    PoolResponse created =
        control
            .admin()
            .createPool(
                create(
                    "api",
                    ":9000",
                    PoolSettings.newBuilder().setLimits(Limits.getDefaultInstance()).build()));

    assertThat(created.getPool().hasSettings()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = Algorithm.class,
      names = {"LEAST_CONNECTIONS", "P2C", "MAGLEV"})
  void theNewAlgorithmsAreAcceptedOnCreate(Algorithm algorithm) {
    PoolResponse created =
        control
            .admin()
            .createPool(
                create("api", ":9000", PoolSettings.getDefaultInstance()).toBuilder()
                    .setAlgorithm(algorithm)
                    .build());

    assertThat(created.getPool().getAlgorithm()).isEqualTo(algorithm);
  }

  private static CreatePoolRequest create(String name, String listen, PoolSettings settings) {
    return CreatePoolRequest.newBuilder()
        .setName(name)
        .setListen(listen)
        .setSettings(settings)
        .build();
  }

  private static UpdatePoolRequest replaceSettings(PoolSettings settings) {
    return UpdatePoolRequest.newBuilder()
        .setPool(Pool.newBuilder().setName("web").setSettings(settings))
        .setUpdateMask(FieldMask.newBuilder().addPaths("settings"))
        .build();
  }
}
