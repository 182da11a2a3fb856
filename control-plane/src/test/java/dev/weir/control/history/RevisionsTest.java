package dev.weir.control.history;

import static dev.weir.control.testing.Rejections.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DiffRevisionsRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.GetRevisionRequest;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevisionsTest {
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
  void eachChangeRecordsTheClaimedCallerAndWhereTheCallCameFrom() {
    control.clock().advance(Duration.ofMinutes(1));

    as("alice@laptop").createPool(pool("web", ":8080"));

    Revision revision = newest();
    assertThat(revision.getVersion()).isEqualTo(1);
    assertThat(revision.getActor()).startsWith("alice@laptop (").endsWith(")");
    assertThat(revision.getOperation()).isEqualTo("CreatePool");
    assertThat(revision.getTime()).isEqualTo(Timestamps.parseUnchecked("2030-01-01T00:01:00Z"));
    assertThat(revision.getDiff()).isEqualTo("+ pool web listen :8080 algorithm round-robin");
    assertThat(revision.hasConfig()).isFalse();
  }

  @Test
  void withoutAClaimTheActorIsThePeerAloneAndControlCharactersAreNotRecorded() {
    control.admin().createPool(pool("web", ":8080"));
    as("mallory\r\nforged: yes").createPool(pool("api", ":8081"));

    List<Revision> revisions = list(0, 0);
    assertThat(revisions.get(1).getActor()).doesNotContain("@", "(").isNotEmpty();
    assertThat(revisions.get(0).getActor()).startsWith("mallory??forged: yes (");
  }

  @Test
  void revisionsAreListedNewestFirstInPages() {
    createThreeRevisions();

    assertThat(list(0, 0)).extracting(Revision::getVersion).containsExactly(3L, 2L, 1L);
    assertThat(list(2, 0)).extracting(Revision::getVersion).containsExactly(3L, 2L);
    assertThat(list(2, 2)).extracting(Revision::getVersion).containsExactly(1L);
    assertThat(list(0, 3))
        .extracting(Revision::getOperation)
        .containsExactly("AddBackend", "CreatePool");
  }

  @Test
  void aRevisionComesWithTheWholeConfigItProduced() {
    createThreeRevisions();

    Revision two =
        control.admin().getRevision(GetRevisionRequest.newBuilder().setVersion(2).build());

    assertThat(two.getOperation()).isEqualTo("AddBackend");
    assertThat(two.getConfig().getVersion()).isEqualTo(2);
    assertThat(two.getConfig().getPools(0).getBackendsList())
        .containsExactly(
            Backend.newBuilder()
                .setAddress("10.0.0.1:80")
                .setWeight(1)
                .setState(BackendState.ACTIVE)
                .build());
  }

  @Test
  void unknownAndUnsetRevisionsAreRefused() {
    createThreeRevisions();

    assertRejected(
        control,
        () -> control.admin().getRevision(GetRevisionRequest.newBuilder().setVersion(9).build()),
        Status.Code.NOT_FOUND,
        "revision 9 not found: the newest is 3");
    assertRejected(
        control,
        () -> control.admin().getRevision(GetRevisionRequest.getDefaultInstance()),
        Status.Code.INVALID_ARGUMENT,
        "version must be set");
    assertRejected(
        control,
        () ->
            control
                .admin()
                .diffRevisions(DiffRevisionsRequest.newBuilder().setToVersion(2).build()),
        Status.Code.INVALID_ARGUMENT,
        "from_version must be set");
    assertRejected(
        control,
        () -> control.admin().rollback(RollbackRequest.newBuilder().setVersion(4).build()),
        Status.Code.NOT_FOUND,
        "revision 4 not found");
  }

  @Test
  void anyTwoRevisionsCanBeDiffedEitherWayAndZeroMeansTheCurrentConfig() {
    createThreeRevisions();

    assertThat(diff(1, 3)).isEqualTo("+ pool web backend 10.0.0.1:80 weight 2");
    assertThat(diff(3, 1)).isEqualTo("- pool web backend 10.0.0.1:80");
    assertThat(diff(2, 0)).isEqualTo("~ pool web backend 10.0.0.1:80 weight 1 -> 2");
    assertThat(diff(3, 3)).isEmpty();
  }

  @Test
  void rollbackRestoresAnEarlierRevisionExactlyAsANewOne() {
    createThreeRevisions();
    Revision one =
        control.admin().getRevision(GetRevisionRequest.newBuilder().setVersion(1).build());

    RollbackResponse rolledBack =
        as("bob@ops").rollback(RollbackRequest.newBuilder().setVersion(1).build());

    assertThat(rolledBack.getConfigVersion()).isEqualTo(4);
    assertThat(rolledBack.getDryRun()).isFalse();
    assertThat(rolledBack.getDiff()).isEqualTo("- pool web backend 10.0.0.1:80");
    assertThat(control.listPools().getPoolsList()).isEqualTo(one.getConfig().getPoolsList());
    assertThat(control.listPools().getConfigVersion()).isEqualTo(4);
    Revision four = newest();
    assertThat(four.getOperation()).isEqualTo("Rollback");
    assertThat(four.getActor()).startsWith("bob@ops (");
    assertThat(four.getDiff()).isEqualTo(rolledBack.getDiff());
  }

  @Test
  void rollbackIsHeldToTheGuardsUnlessForced() {
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .setSettings(
                    PoolSettings.newBuilder()
                        .setGuards(Guards.newBuilder().setMinHealthyBackends(1)))
                .build());
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());

    assertRejected(
        control,
        () -> control.admin().rollback(RollbackRequest.newBuilder().setVersion(1).build()),
        Status.Code.FAILED_PRECONDITION,
        "guard min_healthy_backends is 1",
        "use force to override");

    RollbackResponse forced =
        control
            .admin()
            .rollback(
                RollbackRequest.newBuilder()
                    .setVersion(1)
                    .setOptions(MutationOptions.newBuilder().setForce(true))
                    .build());
    assertThat(forced.getDiff())
        .endsWith(
            "! pool web forced: guard min_healthy_backends is 1: "
                + "this change would leave 0 healthy ACTIVE backends (now 1)");
  }

  @Test
  void aGuardRefusesAnRpcWithFailedPreconditionAndForceOverridesIt() {
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setGuards(Guards.newBuilder().setMinHealthyBackends(1)))
                .build());
    DrainBackendRequest drain =
        DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build();

    assertRejected(
        control,
        () -> control.admin().drainBackend(drain),
        Status.Code.FAILED_PRECONDITION,
        "pool \"web\" guard min_healthy_backends is 1: this change would leave 0 healthy "
            + "ACTIVE backends (now 1); use force to override");
    assertRejected(
        control,
        () -> control.admin().deletePool(DeletePoolRequest.newBuilder().setName("web").build()),
        Status.Code.FAILED_PRECONDITION,
        "deleting the pool leaves none");

    assertThat(
            control
                .admin()
                .drainBackend(
                    drain.toBuilder()
                        .setOptions(MutationOptions.newBuilder().setForce(true))
                        .build())
                .getConfigVersion())
        .isEqualTo(2);
    assertThat(newest().getDiff()).contains("! pool web forced: guard min_healthy_backends");
  }

  @Test
  void historySurvivesARestart() throws Exception {
    createThreeRevisions();
    List<Revision> before = list(0, 0);
    Revision two =
        control.admin().getRevision(GetRevisionRequest.newBuilder().setVersion(2).build());
    control.close();

    control = new InProcessControlPlane(dataDir);

    assertThat(list(0, 0)).isEqualTo(before);
    assertThat(control.admin().getRevision(GetRevisionRequest.newBuilder().setVersion(2).build()))
        .isEqualTo(two);
    control.admin().rollback(RollbackRequest.newBuilder().setVersion(2).build());
    assertThat(list(0, 0)).extracting(Revision::getVersion).containsExactly(4L, 3L, 2L, 1L);
  }

  /** 1: create web; 2: add a backend; 3: set its weight to 2. */
  private void createThreeRevisions() {
    control.admin().createPool(pool("web", ":8080"));
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    control
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(2)
                .build());
  }

  private String diff(long from, long to) {
    return control
        .admin()
        .diffRevisions(
            DiffRevisionsRequest.newBuilder().setFromVersion(from).setToVersion(to).build())
        .getDiff();
  }

  private List<Revision> list(int limit, long beforeVersion) {
    return control
        .admin()
        .listRevisions(
            ListRevisionsRequest.newBuilder()
                .setLimit(limit)
                .setBeforeVersion(beforeVersion)
                .build())
        .getRevisionsList();
  }

  private Revision newest() {
    return list(1, 0).get(0);
  }

  private AdminServiceBlockingStub as(String actor) {
    Metadata headers = new Metadata();
    headers.put(ActorInterceptor.ACTOR_HEADER, actor);
    return control.admin().withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  private static CreatePoolRequest pool(String name, String listen) {
    return CreatePoolRequest.newBuilder().setName(name).setListen(listen).build();
  }
}
