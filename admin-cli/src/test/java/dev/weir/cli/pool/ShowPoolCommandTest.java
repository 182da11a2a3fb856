package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.AdaptiveWeights;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pool show}: the fleet-wide view of each backend, and the settings behind it. */
class ShowPoolCommandTest {
  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private static final Pool WEB = Pool.newBuilder().setName("web").setListen(":8080").build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void eachBackendShowsItsFleetHealthWithTheHealthyCountAndItsDrain() {
    controlPlane
        .service()
        .respondWith(
            PoolStatus.newBuilder()
                .setPool(WEB)
                .addBackends(
                    backend("10.0.0.1:80", 1, 0)
                        .setFleetHealth(FleetHealth.FLEET_UNHEALTHY)
                        .setHealthyProxies(1)
                        .setUnhealthyProxies(2))
                .addBackends(
                    backend("10.0.0.2:80", 1, 0)
                        .setFleetHealth(FleetHealth.FLEET_DAMPED)
                        .setDampedUntil(timestamp(NOW.plusSeconds(45)))
                        .setHealthyProxies(3))
                .addBackends(
                    backend("10.0.0.3:80", 1, 0)
                        .setState(BackendState.DRAINING)
                        .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                        .setHealthyProxies(3)
                        .setDrain(
                            DrainStatus.newBuilder()
                                .setState(DrainStatus.State.DRAINED)
                                .setCutConnections(3)))
                .addBackends(
                    backend("10.0.0.4:80", 1, 0)
                        .setState(BackendState.DRAINING)
                        .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                        .setHealthyProxies(3)
                        .setDrain(DrainStatus.newBuilder().setState(DrainStatus.State.DRAINED)))
                .build());

    List<String> rows = rows(show());

    assertThat(rows.get(0)).contains("HEALTH", "DRAIN");
    assertThat(rows.get(1)).endsWith("unhealthy 1/3         -");
    assertThat(rows.get(2)).endsWith("damped 45s left 3/3   -");
    assertThat(rows.get(3)).endsWith("healthy 3/3           drained (3 cut)");
    assertThat(rows.get(4)).endsWith("healthy 3/3           drained");
    // "damped 45s left" is the control plane's flap damping, which the table alone cannot say.
    assertThat(rows.subList(5, rows.size()))
        .containsExactly(
            "damped: its health flipped 3 times within 2m, so it counts as unhealthy (also for guards)",
            "        for the time left, even if it recovers; each further flip doubles that, up to "
                + "10m.");
  }

  @Test
  void theEffectiveWeightIsShownOnlyWhereItDiffersFromTheConfiguredOne() {
    controlPlane
        .service()
        .respondWith(
            PoolStatus.newBuilder()
                .setPool(WEB)
                .addBackends(backend("10.0.0.1:80", 3, 2))
                .addBackends(backend("10.0.0.2:80", 3, 3))
                .addBackends(backend("10.0.0.3:80", 3, 0))
                .build());

    List<String> rows = rows(show());

    assertThat(rows.get(1)).startsWith("10.0.0.1:80   3 (eff 2)   active");
    assertThat(rows.get(2)).startsWith("10.0.0.2:80   3           active");
    assertThat(rows.get(3)).startsWith("10.0.0.3:80   3           active");
  }

  @Test
  void theQuorumAndAdaptiveWeightSettingsAreSummarisedWhenSet() {
    controlPlane
        .service()
        .respondWith(
            PoolStatus.newBuilder()
                .setPool(
                    WEB.toBuilder()
                        .setSettings(
                            PoolSettings.newBuilder()
                                .setHealthQuorumPercent(60)
                                .setAdaptiveWeights(
                                    AdaptiveWeights.newBuilder()
                                        .setEnabled(true)
                                        .setMinPercent(50)
                                        .setMaxPercent(150)
                                        .setInterval(Duration.newBuilder().setSeconds(30)))))
                .build());

    assertThat(show().outLines())
        .contains(
            "Health quorum:   60% of proxies",
            "Weights:         adaptive, 50%..150% of the configured weight, every 30s");
  }

  @Test
  void aDrainWithAnUnaccountedReplicaSaysSoAndTheMissingReplicaIsNamedUnderTheTable() {
    controlPlane
        .service()
        .respondWith(
            PoolStatus.newBuilder()
                .setPool(WEB)
                .addBackends(
                    backend("10.0.0.1:80", 1, 0)
                        .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                        .setHealthyProxies(2))
                .addBackends(
                    backend("10.0.0.2:80", 1, 0)
                        .setState(BackendState.DRAINING)
                        .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                        .setHealthyProxies(2)
                        .setDrain(
                            DrainStatus.newBuilder()
                                .setState(DrainStatus.State.DRAINING)
                                .addUnaccountedReplicas("r3")))
                .addBackends(
                    backend("10.0.0.3:80", 1, 0)
                        .setState(BackendState.DRAINING)
                        .setFleetHealth(FleetHealth.FLEET_HEALTHY)
                        .setHealthyProxies(2)
                        .setDrain(
                            DrainStatus.newBuilder()
                                .setState(DrainStatus.State.DRAINED)
                                .setCutConnections(1)
                                .addUnaccountedReplicas("r3")
                                .addUnaccountedReplicas("r4")))
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("r1")
                        .addReplicas("r1")
                        .addReplicas("r2")
                        .addMissing(
                            MissingReplica.newBuilder()
                                .setReplicaId("r3")
                                .setAddress("127.0.0.1:9911")
                                .setReason("not answering since 12:00:01: connection refused")
                                .addProxies("pb")
                                .addProxies("pc")))
                .build());

    List<String> rows = rows(show());

    assertThat(rows)
        .containsExactly(
            "ADDRESS       WEIGHT   STATE      ACTIVE   TOTAL   FAILURES   REFUSED   CONNECT P99   "
                + "HEALTH        DRAIN",
            "10.0.0.1:80   1        active     0        0       0          0         -             "
                + "healthy 2/2   -",
            "10.0.0.2:80   1        draining   0        0       0          0         -             "
                + "healthy 2/2   draining 0 left, replica r3 unaccounted",
            "10.0.0.3:80   1        draining   0        0       0          0         -             "
                + "healthy 2/2   drained (1 cut), replicas r3, r4 unaccounted",
            "replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: connection "
                + "refused): proxies pb, pc are not counted");
  }

  @Test
  void oneReplicaAnsweringForItselfPrintsExactlyWhatAnOlderControlPlaneGets() {
    PoolStatus older =
        PoolStatus.newBuilder()
            .setPool(WEB)
            .addBackends(
                backend("10.0.0.2:80", 1, 0)
                    .setState(BackendState.DRAINING)
                    .setDrain(
                        DrainStatus.newBuilder()
                            .setState(DrainStatus.State.DRAINING)
                            .setRemainingConnections(2)))
            .build();
    controlPlane.service().respondWith(older);
    String before = show().out();
    controlPlane
        .service()
        .respondWith(
            older.toBuilder()
                .setCoverage(FleetCoverage.newBuilder().setAnsweredBy("r1").addReplicas("r1"))
                .build());

    assertThat(show().out()).isEqualTo(before).endsWith("draining 2 left\n");
  }

  @Test
  void aPoolWithoutBackendsStillNamesAMissingReplica() {
    controlPlane
        .service()
        .respondWith(
            PoolStatus.newBuilder()
                .setPool(WEB)
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("r1")
                        .addReplicas("r1")
                        .addMissing(
                            MissingReplica.newBuilder()
                                .setReplicaId("r2")
                                .setReason("link not in sync yet")))
                .build());

    assertThat(show().outLines())
        .endsWith(
            "No backends.",
            "replica r2 is missing (link not in sync yet): its proxies are not counted");
  }

  @Test
  void ratesAreInTheJsonOutput() throws Exception {
    PoolStatus status =
        PoolStatus.newBuilder()
            .setPool(WEB)
            .addBackends(backend("10.0.0.1:80", 1, 0).setConnectionRate(12.5).setFailureRate(0.25))
            .build();
    controlPlane.service().respondWith(status);

    Result result = controlPlane.cli().run("pool", "show", "web", "-o", "json");

    PoolStatus.Builder parsed = PoolStatus.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(status);
    assertThat(result.out()).contains("\"connectionRate\": 12.5", "\"failureRate\": 0.25");
  }

  private Result show() {
    return controlPlane
        .cli()
        .withClock(Clock.fixed(NOW, ZoneOffset.UTC))
        .run("pool", "show", "web");
  }

  /** The backend table: its header and rows. */
  private static List<String> rows(Result result) {
    List<String> lines = result.outLines();
    return lines.subList(lines.indexOf("") + 1, lines.size());
  }

  private static BackendStatus.Builder backend(String address, int weight, int effective) {
    return BackendStatus.newBuilder()
        .setAddress(address)
        .setWeight(weight)
        .setEffectiveWeight(effective)
        .setState(BackendState.ACTIVE);
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).build();
  }
}
