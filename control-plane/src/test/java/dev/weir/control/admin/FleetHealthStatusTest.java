package dev.weir.control.admin;

import static dev.weir.api.v1.BackendHealth.HEALTHY;
import static dev.weir.api.v1.BackendHealth.UNHEALTHY;
import static dev.weir.api.v1.BackendHealth.UNKNOWN;
import static dev.weir.control.testing.StatsReports.health;
import static dev.weir.control.testing.StatsReports.report;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.PoolSettings;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.Rejections;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GetPoolStatus's fleet_health, from proxies reporting over real (in-process) streams. */
class FleetHealthStatusTest {
  private static final String A = "10.0.0.1:80";
  private static final String B = "10.0.0.2:80";

  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @AfterEach
  void stop() throws Exception {
    if (control != null) {
      control.close();
    }
  }

  @ParameterizedTest(name = "{1} of {0} proxies say unhealthy -> {2}")
  @CsvSource({
    "1, 0, FLEET_HEALTHY",
    "1, 1, FLEET_UNHEALTHY",
    "2, 1, FLEET_UNHEALTHY",
    "3, 1, FLEET_HEALTHY",
    "3, 2, FLEET_UNHEALTHY",
    "5, 2, FLEET_HEALTHY",
    "5, 3, FLEET_UNHEALTHY",
  })
  void aBackendIsUnhealthyFleetWideOnlyWhenHalfTheProxiesSeeingItSaySo(
      int proxies, int unhealthy, FleetHealth expected) throws Exception {
    start(PoolSettings.getDefaultInstance());
    List<TestProxy> fleet = connect(proxies);

    for (int i = 0; i < proxies; i++) {
      fleet.get(i).stats(report(health("web", A, i < unhealthy ? UNHEALTHY : HEALTHY)));
    }

    await()
        .untilAsserted(
            () -> {
              BackendStatus a = status(A);
              assertThat(a.getHealthyProxies() + a.getUnhealthyProxies()).isEqualTo(proxies);
              assertThat(a.getUnhealthyProxies()).isEqualTo(unhealthy);
              assertThat(a.getFleetHealth()).isEqualTo(expected);
            });
  }

  @Test
  void proxiesThatKnowNothingYetDoNotDiluteTheQuorum() throws Exception {
    start(PoolSettings.getDefaultInstance());
    List<TestProxy> fleet = connect(3);

    fleet.get(0).stats(report(health("web", A, UNHEALTHY)));
    fleet.get(1).stats(report(health("web", A, UNKNOWN)));
    fleet.get(2).stats(report(health("web", A, UNKNOWN)));

    await().until(() -> status(A).getFleetHealth() == FleetHealth.FLEET_UNHEALTHY);
  }

  @Test
  void aBackendNoProxyReportsOnIsUnknown() throws Exception {
    start(PoolSettings.getDefaultInstance());

    assertThat(status(A).getFleetHealth()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
  }

  @Test
  void theQuorumIsThePoolsSetting() throws Exception {
    start(PoolSettings.newBuilder().setHealthQuorumPercent(20).build());
    List<TestProxy> fleet = connect(5);

    for (int i = 0; i < 5; i++) {
      fleet.get(i).stats(report(health("web", A, i == 0 ? UNHEALTHY : HEALTHY)));
    }

    await()
        .untilAsserted(
            () -> {
              BackendStatus a = status(A);
              assertThat(a.getHealthyProxies() + a.getUnhealthyProxies()).isEqualTo(5);
              assertThat(a.getFleetHealth()).isEqualTo(FleetHealth.FLEET_UNHEALTHY);
            });
  }

  @Test
  void aFlappingBackendIsShownDampedWithItsHoldUntilItRunsOut() throws Exception {
    start(PoolSettings.getDefaultInstance());
    TestProxy proxy = connect(1).get(0);
    BackendHealth[] flaps = {HEALTHY, UNHEALTHY, HEALTHY, UNHEALTHY};
    for (BackendHealth next : flaps) {
      proxy.stats(report(health("web", A, next)));
      await().until(() -> status(A).getUnhealthyProxies() == (next == UNHEALTHY ? 1 : 0));
      control.clock().advance(Duration.ofSeconds(10));
    }

    BackendStatus damped = status(A);
    assertThat(damped.getFleetHealth()).isEqualTo(FleetHealth.FLEET_DAMPED);
    Timestamp until = damped.getDampedUntil();
    assertThat(until.getSeconds()).isEqualTo(control.clock().instant().getEpochSecond() + 20);

    control.clock().advance(Duration.ofSeconds(20));
    BackendStatus released = status(A);
    assertThat(released.getFleetHealth()).isEqualTo(FleetHealth.FLEET_UNHEALTHY);
    assertThat(released.hasDampedUntil()).isFalse();
  }

  @Test
  void guardsCountABackendUnhealthyByQuorumAsNotHealthy() throws Exception {
    start(
        PoolSettings.newBuilder().setGuards(Guards.newBuilder().setMinHealthyBackends(1)).build());
    TestProxy proxy = connect(1).get(0);
    proxy.stats(report(health("web", A, HEALTHY), health("web", B, UNHEALTHY)));
    await().until(() -> status(B).getFleetHealth() == FleetHealth.FLEET_UNHEALTHY);

    Rejections.assertRejected(
        control,
        () ->
            control
                .admin()
                .drainBackend(
                    DrainBackendRequest.newBuilder().setPool("web").setAddress(A).build()),
        Status.Code.FAILED_PRECONDITION,
        "min_healthy_backends");
  }

  private void start(PoolSettings settings) throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress(A))
                .addBackends(Backend.newBuilder().setAddress(B))
                .setSettings(settings)
                .build());
  }

  private List<TestProxy> connect(int count) {
    List<TestProxy> proxies = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      proxies.add(control.connectProxy().hello("edge-" + i));
    }
    return proxies;
  }

  private BackendStatus status(String address) {
    return control
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackendsList()
        .stream()
        .filter(b -> b.getAddress().equals(address))
        .findFirst()
        .orElseThrow();
  }
}
