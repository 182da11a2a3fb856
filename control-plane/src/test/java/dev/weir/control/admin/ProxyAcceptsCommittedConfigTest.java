package dev.weir.control.admin;

import static dev.weir.control.testing.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.control.store.FileConfigStore;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.proxy.config.SnapshotValidator;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the control plane commits, every proxy accepts: fields the API leaves unset get the CLI's
 * defaults (round robin, ACTIVE, weight 1) before the configuration is checked and stored, so no
 * proxy NACKs it for an ALGORITHM_UNSPECIFIED it cannot balance with.
 */
class ProxyAcceptsCommittedConfigTest {
  private static final Pool BARE_POOL =
      Pool.newBuilder()
          .setName("web")
          .setListen(":8080")
          .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80").setWeight(3))
          .addBackends(Backend.newBuilder().setAddress("10.0.0.2:80"))
          .build();

  @TempDir Path dataDir;

  @Test
  void anImportedPoolWithoutAlgorithmStateOrWeightGetsTheCliDefaultsAndPassesTheProxy()
      throws Exception {
    try (InProcessControlPlane control = new InProcessControlPlane(dataDir)) {
      control.admin().importConfig(ImportConfigRequest.newBuilder().addPools(BARE_POOL).build());

      ConfigSnapshot committed = committed(control);
      Pool web = committed.getPools(0);
      assertThat(web.getAlgorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
      assertThat(web.getBackendsList())
          .extracting(Backend::getState)
          .containsOnly(BackendState.ACTIVE);
      assertThat(web.getBackendsList()).extracting(Backend::getWeight).containsExactly(3, 1);
      assertThatCode(() -> SnapshotValidator.validate(committed)).doesNotThrowAnyException();
    }
  }

  @Test
  void aPoolStoredWithoutAlgorithmBeforeDefaultsWereFilledIsServedWithThem() throws Exception {
    try (FileConfigStore store = FileConfigStore.open(dataDir)) {
      store.commit(
          0,
          ConfigSnapshot.newBuilder()
              .setVersion(1)
              .addPools(
                  BARE_POOL.toBuilder()
                      .setBackends(1, BARE_POOL.getBackends(1).toBuilder().setWeight(1)))
              .build(),
          Revision.newBuilder().setVersion(1).build());
    }
    try (InProcessControlPlane control = new InProcessControlPlane(dataDir)) {
      assertThatCode(() -> SnapshotValidator.validate(committed(control)))
          .doesNotThrowAnyException();

      // An unrelated change still commits, and what it commits passes too.
      control
          .admin()
          .createPool(CreatePoolRequest.newBuilder().setName("api").setListen(":9090").build());

      ConfigSnapshot committed = committed(control);
      assertThat(committed.getVersion()).isEqualTo(2);
      assertThatCode(() -> SnapshotValidator.validate(committed)).doesNotThrowAnyException();
    }
  }

  @Test
  void aRollbackToARevisionWithoutAlgorithmRestoresItWithTheDefaults() throws Exception {
    try (InProcessControlPlane control = new InProcessControlPlane(dataDir)) {
      control.admin().importConfig(ImportConfigRequest.newBuilder().addPools(BARE_POOL).build());
      control
          .admin()
          .importConfig(ImportConfigRequest.newBuilder().setAllowDeleteAll(true).build());

      control.admin().rollback(RollbackRequest.newBuilder().setVersion(1).build());

      ConfigSnapshot committed = committed(control);
      assertThat(committed.getPools(0).getAlgorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
      assertThatCode(() -> SnapshotValidator.validate(committed)).doesNotThrowAnyException();
    }
  }

  @Test
  void aConfigurationTheProxiesWouldRefuseIsNotCommittedAndTheAnswerNamesPoolAndField()
      throws Exception {
    try (InProcessControlPlane control = new InProcessControlPlane(dataDir)) {
      Pool adaptive =
          BARE_POOL.toBuilder()
              .setBackends(0, BARE_POOL.getBackends(0).toBuilder().setEffectiveWeight(5000))
              .build();
      Pool slowEjection =
          BARE_POOL.toBuilder()
              .setName("api")
              .setListen(":9090")
              .setSettings(
                  PoolSettings.newBuilder()
                      .setOutlierDetection(
                          OutlierDetection.newBuilder().setBaseEjectionTime(Durations.fromDays(8))))
              .build();

      assertRejected(
          control,
          () ->
              control
                  .admin()
                  .importConfig(ImportConfigRequest.newBuilder().addPools(adaptive).build()),
          Status.Code.INVALID_ARGUMENT,
          "pool web: backend 10.0.0.1:80: effective_weight must be 0..1000");
      assertRejected(
          control,
          () ->
              control
                  .admin()
                  .createPool(
                      CreatePoolRequest.newBuilder()
                          .setName("api")
                          .setListen(":9090")
                          .setSettings(slowEjection.getSettings())
                          .build()),
          Status.Code.INVALID_ARGUMENT,
          "pool api: settings.outlier_detection.base_ejection_time must be at most 7d");

      assertThat(control.listPools().getConfigVersion()).isZero();
    }
  }

  /** The configuration as the proxies get it: every pool, at the current version. */
  private static ConfigSnapshot committed(InProcessControlPlane control) {
    ListPoolsResponse pools = control.listPools();
    return ConfigSnapshot.newBuilder()
        .setVersion(pools.getConfigVersion())
        .addAllPools(pools.getPoolsList())
        .build();
  }
}
