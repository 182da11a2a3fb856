package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.control.testing.InProcessControlPlane;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServiceTest {
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
  void aNewControlPlaneHasNoPoolsAtVersionZero() {
    assertThat(control.listPools().getPoolsList()).isEmpty();
    assertThat(control.listPools().getConfigVersion()).isZero();
  }

  @Test
  void createPoolFillsInDefaultsAndNormalisesAddresses() {
    PoolResponse created =
        control
            .admin()
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setName("web")
                    .setListen("0.0.0.0:8080")
                    .addBackends(Backend.newBuilder().setAddress("App-1.Example:80"))
                    .addBackends(
                        Backend.newBuilder()
                            .setAddress("[0:0::1]:81")
                            .setWeight(5)
                            .setState(BackendState.DRAINING))
                    .build());

    assertThat(created.getConfigVersion()).isEqualTo(1);
    assertThat(created.getPool())
        .isEqualTo(
            Pool.newBuilder()
                .setName("web")
                .setListen("0.0.0.0:8080")
                .setAlgorithm(Algorithm.ROUND_ROBIN)
                .addBackends(backend("app-1.example:80", 1, BackendState.ACTIVE))
                .addBackends(backend("[::1]:81", 5, BackendState.DRAINING))
                .build());
  }

  @Test
  void poolsAreListedByNameAndReadBack() {
    createPool("web", ":8080");
    createPool("api", ":8081");

    assertThat(control.listPools().getPoolsList())
        .extracting(Pool::getName)
        .containsExactly("api", "web");
    assertThat(control.listPools().getConfigVersion()).isEqualTo(2);
    PoolResponse web = control.admin().getPool(GetPoolRequest.newBuilder().setName("web").build());
    assertThat(web.getPool().getListen()).isEqualTo(":8080");
    assertThat(web.getConfigVersion()).isEqualTo(2);
  }

  @Test
  void deletePoolRemovesItAndBumpsTheVersion() {
    createPool("web", ":8080");

    DeletePoolResponse deleted =
        control.admin().deletePool(DeletePoolRequest.newBuilder().setName("web").build());

    assertThat(deleted.getConfigVersion()).isEqualTo(2);
    assertThat(control.listPools().getPoolsList()).isEmpty();
  }

  @Test
  void aDeletedPoolsPortCanBeUsedAgain() {
    createPool("web", ":8080");
    control.admin().deletePool(DeletePoolRequest.newBuilder().setName("web").build());

    assertThat(createPool("api", ":8080").getConfigVersion()).isEqualTo(3);
  }

  @Test
  void eachBackendChangeBumpsTheVersionByOne() {
    createPool("web", ":8080");

    PoolResponse added =
        control
            .admin()
            .addBackend(
                AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    assertThat(added.getConfigVersion()).isEqualTo(2);
    assertThat(added.getPool().getBackendsList())
        .containsExactly(backend("10.0.0.1:80", 1, BackendState.ACTIVE));

    PoolResponse weighted =
        control
            .admin()
            .setBackendWeight(
                SetBackendWeightRequest.newBuilder()
                    .setPool("web")
                    .setAddress("10.0.0.1:80")
                    .setWeight(7)
                    .build());
    assertThat(weighted.getConfigVersion()).isEqualTo(3);
    assertThat(weighted.getPool().getBackends(0).getWeight()).isEqualTo(7);

    PoolResponse drained =
        control
            .admin()
            .drainBackend(
                DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    assertThat(drained.getConfigVersion()).isEqualTo(4);
    assertThat(drained.getPool().getBackends(0).getState()).isEqualTo(BackendState.DRAINING);

    PoolResponse undrained =
        control
            .admin()
            .undrainBackend(
                UndrainBackendRequest.newBuilder()
                    .setPool("web")
                    .setAddress("10.0.0.1:80")
                    .build());
    assertThat(undrained.getConfigVersion()).isEqualTo(5);
    assertThat(undrained.getPool().getBackends(0).getState()).isEqualTo(BackendState.ACTIVE);

    PoolResponse removed =
        control
            .admin()
            .removeBackend(
                RemoveBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    assertThat(removed.getConfigVersion()).isEqualTo(6);
    assertThat(removed.getPool().getBackendsList()).isEmpty();
  }

  @Test
  void backendsAreFoundByTheirNormalForm() {
    createPool("web", ":8080");
    control
        .admin()
        .addBackend(AddBackendRequest.newBuilder().setPool("web").setAddress("[::1]:80").build());

    PoolResponse removed =
        control
            .admin()
            .removeBackend(
                RemoveBackendRequest.newBuilder()
                    .setPool("web")
                    .setAddress("[0:0:0:0:0:0:0:1]:80")
                    .build());

    assertThat(removed.getPool().getBackendsList()).isEmpty();
  }

  @Test
  void drainingADrainingBackendReturnsTheCurrentVersionWithoutANewOne() {
    createPool("web", ":8080");
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    DrainBackendRequest drain =
        DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build();
    control.admin().drainBackend(drain);

    PoolResponse again = control.admin().drainBackend(drain);

    assertThat(again.getConfigVersion()).isEqualTo(3);
    assertThat(again.getPool().getBackends(0).getState()).isEqualTo(BackendState.DRAINING);
    assertThat(control.listPools().getConfigVersion()).isEqualTo(3);
  }

  @Test
  void undrainingAnActiveBackendChangesNothing() {
    createPool("web", ":8080");
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());

    PoolResponse response =
        control
            .admin()
            .undrainBackend(
                UndrainBackendRequest.newBuilder()
                    .setPool("web")
                    .setAddress("10.0.0.1:80")
                    .build());

    assertThat(response.getConfigVersion()).isEqualTo(2);
  }

  @Test
  void poolStatusWithoutProxiesShowsTheConfigWithZeroFigures() {
    createPool("web", ":8080");
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.1:80")
                .setWeight(3)
                .build());

    PoolStatus status =
        control.admin().getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build());

    assertThat(status.getConfigVersion()).isEqualTo(2);
    assertThat(status.getBackendsCount()).isEqualTo(1);
    assertThat(status.getBackends(0).getAddress()).isEqualTo("10.0.0.1:80");
    assertThat(status.getBackends(0).getWeight()).isEqualTo(3);
    assertThat(status.getBackends(0).getActiveConnections()).isZero();
    assertThat(status.getBackends(0).getHealthyProxies()).isZero();
  }

  @Test
  void theConfigSurvivesARestartOnTheSameDataDir() throws Exception {
    createPool("web", ":8080");
    control.close();

    control = new InProcessControlPlane(dataDir);

    assertThat(control.listPools().getConfigVersion()).isEqualTo(1);
    assertThat(control.listPools().getPools(0).getName()).isEqualTo("web");
  }

  private PoolResponse createPool(String name, String listen) {
    return control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName(name).setListen(listen).build());
  }

  private static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }
}
