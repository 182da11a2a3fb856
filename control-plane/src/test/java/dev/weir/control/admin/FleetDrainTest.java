package dev.weir.control.admin;

import static dev.weir.control.testing.StatsReports.report;
import static dev.weir.control.testing.StatsReports.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.Rejections;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DrainBackend with a deadline, and the drain's progress in GetPoolStatus. */
class FleetDrainTest {
  private static final String A = "10.0.0.1:80";
  private static final String B = "10.0.0.2:80";

  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress(A))
                .addBackends(Backend.newBuilder().setAddress(B))
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void aDeadlineIsStoredAsTheTimeTheDrainEndsSoEveryProxyGetsIt() {
    long now = control.clock().instant().getEpochSecond();
    TestProxy proxy = control.connectProxy().hello("edge-1");

    PoolResponse drained = drain(Duration.newBuilder().setSeconds(30).build());

    Backend a = drained.getPool().getBackends(0);
    assertThat(a.getState()).isEqualTo(BackendState.DRAINING);
    assertThat(a.getDrainDeadline()).isEqualTo(Timestamp.newBuilder().setSeconds(now + 30).build());
    await()
        .until(
            () ->
                proxy.latest() != null
                    && proxy.latest().getVersion() == drained.getConfigVersion());
    assertThat(proxy.latest().getPools(0).getBackends(0).getDrainDeadline())
        .isEqualTo(a.getDrainDeadline());
  }

  @Test
  void aDeadlineOutsideOneSecondToADayIsRefusedNamingTheField() {
    Rejections.assertRejected(
        control,
        () -> drain(Duration.newBuilder().setNanos(500_000_000).build()),
        Status.Code.INVALID_ARGUMENT,
        "deadline",
        "1s..24h",
        "0.500s");
    Rejections.assertRejected(
        control,
        () -> drain(Duration.newBuilder().setSeconds(86_401).build()),
        Status.Code.INVALID_ARGUMENT,
        "deadline",
        "1s..24h");
  }

  @Test
  void undrainingClearsTheDeadline() {
    drain(Duration.newBuilder().setSeconds(30).build());

    PoolResponse undrained =
        control
            .admin()
            .undrainBackend(
                UndrainBackendRequest.newBuilder().setPool("web").setAddress(A).build());

    Backend a = undrained.getPool().getBackends(0);
    assertThat(a.getState()).isEqualTo(BackendState.ACTIVE);
    assertThat(a.hasDrainDeadline()).isFalse();
    assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.NOT_DRAINING);
  }

  @Test
  void theStatusCountsWhatRemainsOnEveryProxyUntilAllHaveNone() {
    TestProxy one = control.connectProxy().hello("edge-1");
    TestProxy two = control.connectProxy().hello("edge-2");
    one.stats(report(stats("web", A).setActiveConnections(1)));
    two.stats(report(stats("web", A).setActiveConnections(1)));
    await().until(() -> status().getActiveConnections() == 2);

    drain(null);
    assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.DRAINING);
    assertThat(status().getDrain().getRemainingConnections()).isEqualTo(2);

    one.stats(report(draining(0)));
    await().until(() -> status().getDrain().getRemainingConnections() == 1);
    assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.DRAINING);

    two.stats(report(draining(0)));
    await().until(() -> status().getDrain().getState() == DrainStatus.State.DRAINED);
    assertThat(status().getDrain().getRemainingConnections()).isZero();
  }

  @Test
  void pastTheDeadlineTheDrainIsOverWithTheConnectionsItCut() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    proxy.stats(report(stats("web", A).setActiveConnections(3)));
    await().until(() -> status().getActiveConnections() == 3);
    drain(Duration.newBuilder().setSeconds(10).build());
    proxy.stats(report(draining(3)));

    control.clock().advance(java.time.Duration.ofSeconds(10));
    assertThat(status().getDrain().getState()).isEqualTo(DrainStatus.State.DRAINED);

    proxy.stats(report(draining(0).setDrainClosedConnections(3)));
    await().until(() -> status().getDrain().getCutConnections() == 3);
    assertThat(status().getDrain().hasStartedAt()).isTrue();
  }

  private PoolResponse drain(Duration deadline) {
    DrainBackendRequest.Builder request =
        DrainBackendRequest.newBuilder().setPool("web").setAddress(A);
    if (deadline != null) {
      request.setDeadline(deadline);
    }
    return control.admin().drainBackend(request.build());
  }

  private static BackendStats.Builder draining(long active) {
    return stats("web", A).setDraining(true).setActiveConnections(active);
  }

  private BackendStatus status() {
    return control
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackends(0);
  }
}
