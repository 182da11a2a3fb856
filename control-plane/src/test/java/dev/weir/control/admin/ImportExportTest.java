package dev.weir.control.admin;

import static dev.weir.control.testing.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExportConfig and ImportConfig: moving the whole configuration between control planes. */
class ImportExportTest {
  @TempDir Path sourceDir;
  @TempDir Path targetDir;
  private InProcessControlPlane source;
  private InProcessControlPlane target;

  @BeforeEach
  void start() throws Exception {
    source = new InProcessControlPlane(sourceDir);
    target = new InProcessControlPlane(targetDir);
    source
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .setAlgorithm(Algorithm.LEAST_CONNECTIONS)
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .addBackends(Backend.newBuilder().setAddress("10.0.0.2:80"))
                .setSettings(PoolSettings.newBuilder().setDrainTimeout(Durations.fromSeconds(30)))
                .build());
    source
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("api")
                .setListen(":9090")
                .addBackends(Backend.newBuilder().setAddress("10.0.1.1:80"))
                .build());
    source
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(7)
                .build());
    source
        .admin()
        .drainBackend(
            DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.2:80").build());
  }

  @AfterEach
  void stop() throws Exception {
    source.close();
    target.close();
  }

  @Test
  void exportIsEveryPoolAsStoredWithTheVersion() {
    ExportConfigResponse export =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());

    assertThat(export.getConfigVersion()).isEqualTo(4);
    assertThat(export.getPoolsList()).isEqualTo(source.listPools().getPoolsList());
    assertThat(export.getPoolsList()).extracting(Pool::getName).containsExactly("api", "web");
  }

  @Test
  void anExportImportedIntoAFreshControlPlaneGivesTheSamePoolsAsOneRevision() {
    ExportConfigResponse export =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());

    ImportConfigResponse imported =
        target
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder().addAllPools(export.getPoolsList()).build());

    assertThat(imported.getConfigVersion()).isEqualTo(1);
    assertThat(imported.getDryRun()).isFalse();
    assertThat(imported.getDiff()).contains("pool api", "pool web");
    ExportConfigResponse copy =
        target.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    assertThat(copy.getPoolsList()).isEqualTo(export.getPoolsList());
    assertThat(copy.getPools(1).getBackends(1).getState()).isEqualTo(BackendState.DRAINING);
    List<Revision> revisions =
        target.admin().listRevisions(ListRevisionsRequest.getDefaultInstance()).getRevisionsList();
    assertThat(revisions).extracting(Revision::getOperation).containsExactly("ImportConfig");
  }

  @Test
  void importingWhatIsCurrentMakesNoNewVersion() {
    List<Pool> pools = source.listPools().getPoolsList();
    target.admin().importConfig(ImportConfigRequest.newBuilder().addAllPools(pools).build());

    ImportConfigResponse again =
        target.admin().importConfig(ImportConfigRequest.newBuilder().addAllPools(pools).build());

    assertThat(again.getConfigVersion()).isEqualTo(1);
    assertThat(again.getDiff()).isEmpty();
    assertThat(
            target
                .admin()
                .listRevisions(ListRevisionsRequest.getDefaultInstance())
                .getRevisionsCount())
        .isEqualTo(1);
  }

  @Test
  void importReplacesEveryPoolAndDeletesTheOnesNotListed() {
    Pool only =
        Pool.newBuilder()
            .setName("db")
            .setListen(":5432")
            .setAlgorithm(Algorithm.ROUND_ROBIN)
            .addBackends(
                Backend.newBuilder()
                    .setAddress("10.0.2.1:5432")
                    .setWeight(1)
                    .setState(BackendState.ACTIVE))
            .build();

    ImportConfigResponse imported =
        source.admin().importConfig(ImportConfigRequest.newBuilder().addPools(only).build());

    assertThat(imported.getConfigVersion()).isEqualTo(5);
    assertThat(imported.getDiff()).contains("- pool api", "- pool web", "+ pool db");
    assertThat(source.listPools().getPoolsList()).containsExactly(only);
  }

  @Test
  void aDryRunReturnsTheDiffAndChangesNothing() {
    List<Pool> before = target.listPools().getPoolsList();

    ImportConfigResponse dryRun =
        target
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder()
                    .addAllPools(source.listPools().getPoolsList())
                    .setOptions(MutationOptions.newBuilder().setDryRun(true))
                    .build());

    assertThat(dryRun.getDryRun()).isTrue();
    assertThat(dryRun.getConfigVersion()).isZero();
    assertThat(dryRun.getDiff()).contains("pool api", "pool web");
    assertThat(target.listPools().getPoolsList()).isEqualTo(before);
    assertThat(target.listPools().getConfigVersion()).isZero();
  }

  @Test
  void anInvalidPoolIsRefusedNamingItAndNothingChanges() {
    Pool badWeight =
        Pool.newBuilder()
            .setName("web")
            .setListen(":8080")
            .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80").setWeight(1001))
            .build();

    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(ImportConfigRequest.newBuilder().addPools(badWeight).build()),
        Status.Code.INVALID_ARGUMENT,
        "pool \"web\"",
        "weight must be 1..1000, got 1001");
  }

  @Test
  void twoPoolsOnOnePortAreRefusedAndNothingChanges() {
    Pool a = Pool.newBuilder().setName("a").setListen(":8080").build();
    Pool b = Pool.newBuilder().setName("b").setListen(":8080").build();

    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(ImportConfigRequest.newBuilder().addPools(a).addPools(b).build()),
        Status.Code.ALREADY_EXISTS,
        "listen port 8080",
        "\"a\"",
        "\"b\"");
  }

  @Test
  void aStaleExpectedVersionIsAbortedNamingBothVersions() {
    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(ImportConfigRequest.newBuilder().setExpectedVersion(3).build()),
        Status.Code.ABORTED,
        "expected_version is 3",
        "current config version is 4");
  }

  @Test
  void aCurrentExpectedVersionImports() {
    ImportConfigResponse imported =
        target
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder()
                    .setExpectedVersion(0)
                    .addAllPools(source.listPools().getPoolsList())
                    .build());

    assertThat(imported.getConfigVersion()).isEqualTo(1);
  }

  @Test
  void anImportOfNoPoolsIsRefusedNamingEveryPoolItWouldDelete() {
    assertRejected(
        source,
        () -> source.admin().importConfig(ImportConfigRequest.getDefaultInstance()),
        Status.Code.FAILED_PRECONDITION,
        "would delete every pool (api, web)",
        "allow_delete_all");
  }

  @Test
  void aDryRunOfAnImportOfNoPoolsIsRefusedToo() {
    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(
                    ImportConfigRequest.newBuilder()
                        .setOptions(MutationOptions.newBuilder().setDryRun(true))
                        .build()),
        Status.Code.FAILED_PRECONDITION,
        "would delete every pool (api, web)");
  }

  @Test
  void anImportOfNoPoolsDeletesEveryPoolWhenAllowed() {
    ImportConfigResponse emptied =
        source
            .admin()
            .importConfig(ImportConfigRequest.newBuilder().setAllowDeleteAll(true).build());

    assertThat(emptied.getConfigVersion()).isEqualTo(5);
    assertThat(source.listPools().getPoolsList()).isEmpty();
  }

  @Test
  void poolsReadBeforeAChangeToThemAreAbortedNamingBothVersionsAndThePools() {
    ExportConfigResponse stale =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    source
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(9)
                .build());
    List<Pool> edited = withApiBackendWeight(stale.getPoolsList(), 3);

    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(
                    ImportConfigRequest.newBuilder()
                        .addAllPools(edited)
                        .setBaseVersion(stale.getConfigVersion())
                        .build()),
        Status.Code.ABORTED,
        "read at config version 4",
        "at version 5",
        "pool web was changed",
        "overwrite_newer");
  }

  @Test
  void aDryRunOfStalePoolsIsAbortedToo() {
    ExportConfigResponse stale =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    source
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(9)
                .build());

    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(
                    ImportConfigRequest.newBuilder()
                        .addAllPools(withApiBackendWeight(stale.getPoolsList(), 3))
                        .setBaseVersion(stale.getConfigVersion())
                        .setOptions(MutationOptions.newBuilder().setDryRun(true))
                        .build()),
        Status.Code.ABORTED,
        "pool web was changed");
  }

  @Test
  void poolsReadBeforeAChangeToOtherPoolsImport() {
    ExportConfigResponse read =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    source
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(9)
                .build());
    List<Pool> apiEdited = withApiBackendWeight(source.listPools().getPoolsList(), 3);

    ImportConfigResponse imported =
        source
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder()
                    .addAllPools(apiEdited)
                    .setBaseVersion(read.getConfigVersion())
                    .build());

    assertThat(imported.getConfigVersion()).isEqualTo(6);
    assertThat(imported.getDiff()).contains("api").doesNotContain("web");
  }

  @Test
  void stalePoolsOverwriteNewerChangesWhenAskedTo() {
    ExportConfigResponse stale =
        source.admin().exportConfig(ExportConfigRequest.getDefaultInstance());
    source
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(9)
                .build());

    ImportConfigResponse imported =
        source
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder()
                    .addAllPools(stale.getPoolsList())
                    .setBaseVersion(stale.getConfigVersion())
                    .setOverwriteNewer(true)
                    .build());

    assertThat(imported.getConfigVersion()).isEqualTo(6);
    assertThat(source.listPools().getPoolsList()).isEqualTo(stale.getPoolsList());
  }

  @Test
  void poolsReadAtAVersionNewerThanThisControlPlanesAreAborted() {
    assertRejected(
        source,
        () ->
            source
                .admin()
                .importConfig(
                    ImportConfigRequest.newBuilder()
                        .addAllPools(withApiBackendWeight(source.listPools().getPoolsList(), 3))
                        .setBaseVersion(99)
                        .build()),
        Status.Code.ABORTED,
        "read at config version 99, newer than this control plane's 4",
        "another fleet");
  }

  private static List<Pool> withApiBackendWeight(List<Pool> pools, int weight) {
    return pools.stream()
        .map(
            p ->
                p.getName().equals("api")
                    ? p.toBuilder()
                        .setBackends(0, p.getBackends(0).toBuilder().setWeight(weight))
                        .build()
                    : p)
        .toList();
  }

  @Test
  void guardsApplyUnlessForced() {
    Pool guarded =
        Pool.newBuilder()
            .setName("web")
            .setListen(":8080")
            .setAlgorithm(Algorithm.ROUND_ROBIN)
            .addBackends(
                Backend.newBuilder()
                    .setAddress("10.0.0.1:80")
                    .setWeight(1)
                    .setState(BackendState.ACTIVE))
            .addBackends(
                Backend.newBuilder()
                    .setAddress("10.0.0.2:80")
                    .setWeight(1)
                    .setState(BackendState.ACTIVE))
            .setSettings(
                PoolSettings.newBuilder().setGuards(Guards.newBuilder().setMinHealthyBackends(2)))
            .build();
    target.admin().importConfig(ImportConfigRequest.newBuilder().addPools(guarded).build());
    Pool thinner = guarded.toBuilder().removeBackends(1).build();

    assertRejected(
        target,
        () ->
            target.admin().importConfig(ImportConfigRequest.newBuilder().addPools(thinner).build()),
        Status.Code.FAILED_PRECONDITION,
        "web");

    ImportConfigResponse forced =
        target
            .admin()
            .importConfig(
                ImportConfigRequest.newBuilder()
                    .addPools(thinner)
                    .setOptions(MutationOptions.newBuilder().setForce(true))
                    .build());
    assertThat(forced.getConfigVersion()).isEqualTo(2);
    assertThat(target.listPools().getPoolsList()).containsExactly(thinner);
  }
}
