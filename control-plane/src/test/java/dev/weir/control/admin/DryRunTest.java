package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ListRevisionsResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every mutating rpc with dry_run: the diff it would apply, and no change anywhere. */
class DryRunTest {
  private static final MutationOptions DRY_RUN =
      MutationOptions.newBuilder().setDryRun(true).build();
  private static final MutationOptions FOR_REAL = MutationOptions.getDefaultInstance();

  @TempDir Path dataDir;
  private InProcessControlPlane control;

  /** One mutating call, made with the given options; what its response says. */
  @FunctionalInterface
  interface Call {
    Answer make(AdminServiceBlockingStub admin, MutationOptions options);
  }

  record Answer(String diff, boolean dryRun, long configVersion) {
    static Answer of(PoolResponse response) {
      return new Answer(response.getDiff(), response.getDryRun(), response.getConfigVersion());
    }

    static Answer of(DeletePoolResponse response) {
      return new Answer(response.getDiff(), response.getDryRun(), response.getConfigVersion());
    }

    static Answer of(RollbackResponse response) {
      return new Answer(response.getDiff(), response.getDryRun(), response.getConfigVersion());
    }
  }

  @BeforeEach
  void startWithTwoRevisions() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .addBackends(
                    Backend.newBuilder().setAddress("10.0.0.2:80").setState(BackendState.DRAINING))
                .build());
    control
        .admin()
        .setBackendWeight(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(2)
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of(
            "CreatePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.createPool(
                            CreatePoolRequest.newBuilder()
                                .setName("api")
                                .setListen(":8081")
                                .setOptions(options)
                                .build())),
            "+ pool api listen :8081 algorithm round-robin"),
        Arguments.of(
            "UpdatePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.updatePool(
                            UpdatePoolRequest.newBuilder()
                                .setPool(
                                    Pool.newBuilder().setName("web").setAlgorithm(Algorithm.MAGLEV))
                                .setUpdateMask(FieldMask.newBuilder().addPaths("algorithm"))
                                .setOptions(options)
                                .build())),
            "~ pool web algorithm round-robin -> maglev"),
        Arguments.of(
            "DeletePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.deletePool(
                            DeletePoolRequest.newBuilder()
                                .setName("web")
                                .setOptions(options)
                                .build())),
            "- pool web"),
        Arguments.of(
            "AddBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.addBackend(
                            AddBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.3:80")
                                .setWeight(4)
                                .setOptions(options)
                                .build())),
            "+ pool web backend 10.0.0.3:80 weight 4"),
        Arguments.of(
            "RemoveBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.removeBackend(
                            RemoveBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1:80")
                                .setOptions(options)
                                .build())),
            "- pool web backend 10.0.0.1:80"),
        Arguments.of(
            "SetBackendWeight",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.setBackendWeight(
                            SetBackendWeightRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1:80")
                                .setWeight(5)
                                .setOptions(options)
                                .build())),
            "~ pool web backend 10.0.0.1:80 weight 2 -> 5"),
        Arguments.of(
            "DrainBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.drainBackend(
                            DrainBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1:80")
                                .setOptions(options)
                                .build())),
            "~ pool web backend 10.0.0.1:80 state active -> draining"),
        Arguments.of(
            "UndrainBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.undrainBackend(
                            UndrainBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.2:80")
                                .setOptions(options)
                                .build())),
            "~ pool web backend 10.0.0.2:80 state draining -> active"),
        Arguments.of(
            "Rollback",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.rollback(
                            RollbackRequest.newBuilder()
                                .setVersion(1)
                                .setOptions(options)
                                .build())),
            "~ pool web backend 10.0.0.1:80 weight 2 -> 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void aDryRunAnswersWithTheDiffAndChangesNothing(String rpc, Call call, String diff) {
    ListPoolsResponse before = control.listPools();
    ListRevisionsResponse history = revisions();

    Answer answer = call.make(control.admin(), DRY_RUN);

    assertThat(answer).isEqualTo(new Answer(diff, true, 2));
    assertThat(control.listPools()).isEqualTo(before);
    assertThat(revisions()).isEqualTo(history);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void theSameCallForRealMakesTheChangeItsDryRunDescribed(String rpc, Call call, String diff) {
    Answer answer = call.make(control.admin(), FOR_REAL);

    assertThat(answer).isEqualTo(new Answer(diff, false, 3));
    assertThat(revisions().getRevisions(0).getOperation()).isEqualTo(rpc);
    assertThat(revisions().getRevisions(0).getDiff()).isEqualTo(diff);
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of(
            "CreatePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.createPool(
                            CreatePoolRequest.newBuilder()
                                .setName("api")
                                .setListen(":8080")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "UpdatePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.updatePool(
                            UpdatePoolRequest.newBuilder()
                                .setPool(Pool.newBuilder().setName("web"))
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "DeletePool",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.deletePool(
                            DeletePoolRequest.newBuilder()
                                .setName("nope")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "AddBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.addBackend(
                            AddBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1:80")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "RemoveBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.removeBackend(
                            RemoveBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.9:80")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "SetBackendWeight",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.setBackendWeight(
                            SetBackendWeightRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1:80")
                                .setWeight(1001)
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "DrainBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.drainBackend(
                            DrainBackendRequest.newBuilder()
                                .setPool("Web")
                                .setAddress("10.0.0.1:80")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "UndrainBackend",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.undrainBackend(
                            UndrainBackendRequest.newBuilder()
                                .setPool("web")
                                .setAddress("10.0.0.1")
                                .setOptions(options)
                                .build()))),
        Arguments.of(
            "Rollback",
            (Call)
                (admin, options) ->
                    Answer.of(
                        admin.rollback(
                            RollbackRequest.newBuilder()
                                .setVersion(7)
                                .setOptions(options)
                                .build()))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void aDryRunIsRefusedWithExactlyTheErrorOfTheRealCall(String rpc, Call call) {
    Status dryRun = Status.fromThrowable(catchThrowable(() -> call.make(control.admin(), DRY_RUN)));
    Status real = Status.fromThrowable(catchThrowable(() -> call.make(control.admin(), FOR_REAL)));

    assertThat(dryRun.getCode()).isNotEqualTo(Status.Code.OK).isEqualTo(real.getCode());
    assertThat(dryRun.getDescription()).isNotEmpty().isEqualTo(real.getDescription());
    assertThat(control.listPools().getConfigVersion()).isEqualTo(2);
  }

  private ListRevisionsResponse revisions() {
    return control.admin().listRevisions(ListRevisionsRequest.getDefaultInstance());
  }
}
