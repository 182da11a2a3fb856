package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GetPoolStatus over the connected proxies' reports of refusals, latency, drains and health. */
class PoolStatusAggregationTest {
  private static final String ONE = "10.0.0.1:80";
  private static final String TWO = "10.0.0.2:80";

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
                .addBackends(Backend.newBuilder().setAddress(ONE))
                .addBackends(Backend.newBuilder().setAddress(TWO))
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void countersAreSummedAndLatencyIsTheWorstReportedAcrossConnectedProxies() {
    TestProxy first = control.connectProxy().hello("edge-1");
    TestProxy second = control.connectProxy().hello("edge-2");
    TestProxy gone = control.connectProxy().hello("edge-3");
    gone.stats(
        report(
            stats(ONE)
                .setRefusedConnections(1000)
                .setConnectLatencyP99Us(999_999)
                .setDrainClosedConnections(1000)
                .setHealth(BackendHealth.EJECTED)));
    await().until(() -> status(0).getRefusedConnections() == 1000);
    gone.cancel();
    await().until(() -> !proxy("edge-3").getConnected());

    first.stats(
        report(
            stats(ONE)
                .setRefusedConnections(3)
                .setDrainClosedConnections(1)
                .setConnectLatencyP50Us(200)
                .setConnectLatencyP99Us(900)
                .setHealth(BackendHealth.HEALTHY),
            stats(TWO)
                .setHealth(BackendHealth.EJECTED)
                .setEjectedUntil(com.google.protobuf.Timestamp.newBuilder().setSeconds(1))));
    // No connects in its interval: zero latency, which must not lower the figure.
    second.stats(
        report(
            stats(ONE)
                .setRefusedConnections(4)
                .setDrainClosedConnections(2)
                .setConnectLatencyP50Us(350)
                .setConnectLatencyP99Us(0)
                .setDraining(true)
                .setHealth(BackendHealth.UNHEALTHY),
            stats(TWO).setHealth(BackendHealth.UNKNOWN)));

    await().until(() -> status(0).getRefusedConnections() == 7);
    BackendStatus one = status(0);
    assertThat(one.getDrainClosedConnections()).isEqualTo(3);
    assertThat(one.getConnectLatencyP50Us()).isEqualTo(350);
    assertThat(one.getConnectLatencyP99Us()).isEqualTo(900);
    assertThat(one.getHealthyProxies()).isEqualTo(1);
    assertThat(one.getUnhealthyProxies()).isEqualTo(1);
    BackendStatus two = status(1);
    assertThat(two.getUnhealthyProxies()).isEqualTo(1);
    assertThat(two.getHealthyProxies()).isZero();
    assertThat(two.getConnectLatencyP99Us()).isZero();
  }

  private BackendStatus status(int index) {
    return control
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackends(index);
  }

  private ProxyInfo proxy(String id) {
    return control
        .admin()
        .listProxies(ListProxiesRequest.getDefaultInstance())
        .getProxiesList()
        .stream()
        .filter(p -> p.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static StatsReport report(BackendStats.Builder... backends) {
    StatsReport.Builder report = StatsReport.newBuilder().setConfigVersion(1);
    for (BackendStats.Builder backend : backends) {
      report.addBackends(backend);
    }
    return report.build();
  }

  private static BackendStats.Builder stats(String address) {
    return BackendStats.newBuilder().setPool("web").setAddress(address);
  }
}
