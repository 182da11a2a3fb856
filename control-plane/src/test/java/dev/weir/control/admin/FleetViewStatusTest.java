package dev.weir.control.admin;

import static dev.weir.control.testing.StatsReports.report;
import static dev.weir.control.testing.StatsReports.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Revision;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.Rejections;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rates and adaptive weights through the API, from proxies on in-process streams. */
class FleetViewStatusTest {
  private static final String A = "10.0.0.1:80";
  private static final String B = "10.0.0.2:80";
  private static final String C = "10.0.0.3:80";

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
  void ratesAreTheFleetsNewConnectionsAndFailuresPerSecondBetweenReports() {
    create("web", PoolSettings.getDefaultInstance(), A);
    Instant t0 = control.clock().instant();
    TestProxy one = control.connectProxy().hello("edge-1");
    TestProxy two = control.connectProxy().hello("edge-2");
    one.stats(report(t0, stats("web", A).setTotalConnections(100).setConnectFailures(10)));
    two.stats(report(t0, stats("web", A).setTotalConnections(0)));

    one.stats(
        report(t0.plusSeconds(5), stats("web", A).setTotalConnections(150).setConnectFailures(20)));
    two.stats(report(t0.plusSeconds(2), stats("web", A).setTotalConnections(8)));

    await()
        .untilAsserted(
            () -> {
              BackendStatus a = status("web", A);
              assertThat(a.getConnectionRate()).isCloseTo(10 + 4, within(1e-9));
              assertThat(a.getFailureRate()).isCloseTo(2, within(1e-9));
            });
  }

  @Test
  void aPoolWithAdaptiveWeightsGetsARevisionByTheControlPlaneThatShiftsShareFromASlowBackend() {
    create(
        "web",
        PoolSettings.newBuilder()
            .setAdaptiveWeights(
                AdaptiveWeights.newBuilder()
                    .setEnabled(true)
                    .setInterval(Duration.newBuilder().setSeconds(1)))
            .build(),
        A,
        B,
        C);
    TestProxy proxy = control.connectProxy().hello("edge-1");
    long before = control.listPools().getConfigVersion();
    // Until the interval has passed once on the control plane's clock, nothing is due.
    control.clock().advance(java.time.Duration.ofSeconds(2));

    await()
        .untilAsserted(
            () -> {
              proxy.stats(
                  report(
                      stats("web", A).setActiveConnections(4).setConnectLatencyP99Us(80_000),
                      stats("web", B).setActiveConnections(4).setConnectLatencyP99Us(2_000),
                      stats("web", C).setActiveConnections(4).setConnectLatencyP99Us(2_000)));
              control.clock().advance(java.time.Duration.ofSeconds(1));
              assertThat(control.listPools().getConfigVersion()).isGreaterThan(before);
            });

    List<Backend> backends = control.listPools().getPools(0).getBackendsList();
    assertThat(backends.get(0).getEffectiveWeight()).as("A is slow").isBetween(1, 8);
    assertThat(backends.get(1).getEffectiveWeight()).as("B takes up share").isGreaterThan(10);
    BackendStatus a = status("web", A);
    assertThat(a.getEffectiveWeight()).isEqualTo(backends.get(0).getEffectiveWeight());
    Revision revision =
        control
            .admin()
            .listRevisions(ListRevisionsRequest.newBuilder().setLimit(1).build())
            .getRevisions(0);
    assertThat(revision.getOperation()).isEqualTo("AdaptiveWeights");
    assertThat(revision.getActor()).isEqualTo("weir-control");
  }

  @Test
  void theQuorumAndAdaptiveSettingsAreCheckedLikeTheOthers() {
    Rejections.assertRejected(
        control,
        () -> create("web", PoolSettings.newBuilder().setHealthQuorumPercent(101).build(), A),
        Status.Code.INVALID_ARGUMENT,
        "settings.health_quorum_percent",
        "1..100",
        "101");
    Rejections.assertRejected(
        control,
        () ->
            create(
                "web",
                PoolSettings.newBuilder()
                    .setAdaptiveWeights(
                        AdaptiveWeights.newBuilder().setEnabled(true).setMinPercent(150))
                    .build(),
                A),
        Status.Code.INVALID_ARGUMENT,
        "settings.adaptive_weights.min_percent",
        "1..100");
    Rejections.assertRejected(
        control,
        () ->
            create(
                "web",
                PoolSettings.newBuilder()
                    .setAdaptiveWeights(
                        AdaptiveWeights.newBuilder().setEnabled(true).setMaxPercent(50))
                    .build(),
                A),
        Status.Code.INVALID_ARGUMENT,
        "settings.adaptive_weights.max_percent",
        "100..1000");
    Rejections.assertRejected(
        control,
        () ->
            create(
                "web",
                PoolSettings.newBuilder()
                    .setAdaptiveWeights(
                        AdaptiveWeights.newBuilder()
                            .setEnabled(true)
                            .setInterval(Duration.newBuilder().setNanos(500_000_000)))
                    .build(),
                A),
        Status.Code.INVALID_ARGUMENT,
        "settings.adaptive_weights.interval",
        "1s..1h");

    PoolSettings accepted =
        PoolSettings.newBuilder()
            .setHealthQuorumPercent(100)
            .setAdaptiveWeights(
                AdaptiveWeights.newBuilder()
                    .setEnabled(true)
                    .setMinPercent(1)
                    .setMaxPercent(1000)
                    .setInterval(Duration.newBuilder().setSeconds(3600)))
            .build();
    assertThat(create("web", accepted, A)).isEqualTo(accepted);
  }

  private PoolSettings create(String name, PoolSettings settings, String... addresses) {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder().setName(name).setListen(":8080").setSettings(settings);
    for (String address : addresses) {
      request.addBackends(Backend.newBuilder().setAddress(address).setWeight(10));
    }
    return control.admin().createPool(request.build()).getPool().getSettings();
  }

  private BackendStatus status(String pool, String address) {
    return control
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName(pool).build())
        .getBackendsList()
        .stream()
        .filter(b -> b.getAddress().equals(address))
        .findFirst()
        .orElseThrow();
  }
}
