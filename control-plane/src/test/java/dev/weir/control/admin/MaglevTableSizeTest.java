package dev.weir.control.admin;

import static dev.weir.control.testing.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** settings.maglev_table_size against the backends, on every change that can break it. */
class MaglevTableSizeTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void start() throws Exception {
    control = new InProcessControlPlane(dataDir);
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void createRefusesASizeThatIsNotAPrimeAtLeast100PerBackend() {
    assertRejected(
        control,
        () -> control.admin().createPool(maglev("web", 3, 1000)),
        Status.Code.INVALID_ARGUMENT,
        "settings.maglev_table_size must be a prime >= 100 x backends (300) and <= 1000003, "
            + "got 1000");
    assertRejected(
        control,
        () -> control.admin().createPool(maglev("web", 3, 293)),
        Status.Code.INVALID_ARGUMENT,
        "(300)",
        "got 293");
    assertRejected(
        control,
        () -> control.admin().createPool(maglev("web", 3, 1_000_033)),
        Status.Code.INVALID_ARGUMENT,
        "got 1000033");
  }

  @Test
  void createAcceptsTheSmallestAndLargestFittingPrimes() {
    assertThat(
            control
                .admin()
                .createPool(maglev("web", 3, 307))
                .getPool()
                .getSettings()
                .getMaglevTableSize())
        .isEqualTo(307);
    assertThat(
            control
                .admin()
                .createPool(maglev("api", 3, 1_000_003).toBuilder().setListen(":9000").build())
                .getConfigVersion())
        .isEqualTo(2);
  }

  @Test
  void addingABackendTheSetSizeCannotHoldIsAFailedPreconditionAndChangesNothing() {
    control.admin().createPool(maglev("web", 3, 307));

    assertRejected(
        control,
        () ->
            control
                .admin()
                .addBackend(
                    AddBackendRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.1.0.1:80")
                        .build()),
        Status.Code.FAILED_PRECONDITION,
        "pool \"web\" would have 4 backends",
        "settings.maglev_table_size 307",
        "raise settings.maglev_table_size, e.g. to 401",
        "or unset it");
  }

  @Test
  void aMaglevPoolWithTheDefaultSizeHoldsAtMost655Backends() {
    assertRejected(
        control,
        () -> control.admin().createPool(maglev("web", 656, 0)),
        Status.Code.FAILED_PRECONDITION,
        "default settings.maglev_table_size 65537",
        "set settings.maglev_table_size to a prime >= 65600");
    control.admin().createPool(maglev("web", 655, 0));

    assertRejected(
        control,
        () ->
            control
                .admin()
                .addBackend(
                    AddBackendRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.1.0.1:80")
                        .build()),
        Status.Code.FAILED_PRECONDITION,
        "pool \"web\" would have 656 backends",
        "e.g. 65609");
  }

  @Test
  void switchingABigPoolToMaglevNeedsALargerTable() {
    control
        .admin()
        .createPool(maglev("web", 700, 0).toBuilder().setAlgorithm(Algorithm.ROUND_ROBIN).build());
    UpdatePoolRequest toMaglev =
        update(
            Pool.newBuilder().setName("web").setAlgorithm(Algorithm.MAGLEV).build(), "algorithm");

    assertRejected(
        control,
        () -> control.admin().updatePool(toMaglev),
        Status.Code.FAILED_PRECONDITION,
        "700 backends",
        ">= 70000");

    PoolResponse switched =
        control
            .admin()
            .updatePool(
                update(
                    Pool.newBuilder()
                        .setName("web")
                        .setAlgorithm(Algorithm.MAGLEV)
                        .setSettings(PoolSettings.newBuilder().setMaglevTableSize(70_001))
                        .build(),
                    "algorithm",
                    "settings.maglev_table_size"));
    assertThat(switched.getPool().getAlgorithm()).isEqualTo(Algorithm.MAGLEV);
    assertThat(switched.getConfigVersion()).isEqualTo(2);
  }

  @Test
  void updateRefusesASizeTooSmallForTheBackendsAsInvalid() {
    control.admin().createPool(maglev("web", 3, 307));

    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(
                    update(
                        Pool.newBuilder()
                            .setName("web")
                            .setSettings(PoolSettings.newBuilder().setMaglevTableSize(211))
                            .build(),
                        "settings.maglev_table_size")),
        Status.Code.INVALID_ARGUMENT,
        "settings.maglev_table_size must be a prime >= 100 x backends (300) and <= 1000003, "
            + "got 211");
  }

  @Test
  void unsettingTheSizeOfABigMaglevPoolIsAFailedPrecondition() {
    control.admin().createPool(maglev("web", 700, 70_001));

    assertRejected(
        control,
        () ->
            control
                .admin()
                .updatePool(
                    update(Pool.newBuilder().setName("web").build(), "settings.maglev_table_size")),
        Status.Code.FAILED_PRECONDITION,
        "too many for the default settings.maglev_table_size");
  }

  private static CreatePoolRequest maglev(String name, int backends, int tableSize) {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder()
            .setName(name)
            .setListen(":8080")
            .setAlgorithm(Algorithm.MAGLEV)
            .setSettings(PoolSettings.newBuilder().setMaglevTableSize(tableSize));
    for (int i = 0; i < backends; i++) {
      request.addBackends(
          Backend.newBuilder().setAddress("10.0." + i / 250 + "." + (i % 250 + 1) + ":80"));
    }
    return request.build();
  }

  private static UpdatePoolRequest update(Pool pool, String... paths) {
    return UpdatePoolRequest.newBuilder()
        .setPool(pool)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)))
        .build();
  }
}
