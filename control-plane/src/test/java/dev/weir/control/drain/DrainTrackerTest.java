package dev.weir.control.drain;

import static dev.weir.control.testing.StatsReports.report;
import static dev.weir.control.testing.StatsReports.stats;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.Pool;
import dev.weir.control.testing.MutableClock;
import dev.weir.control.testing.RecordedEvents;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DrainTrackerTest {
  private static final String A = "10.0.0.1:80";
  private static final String B = "10.0.0.2:80";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final RecordedEvents events = new RecordedEvents();
  private final DrainTracker tracker = new DrainTracker(clock, events);
  private long version;
  private Backend lastConfigured;

  @Test
  void aBackendNotDrainingSaysSo() {
    configure(active(A));

    assertThat(status().getState()).isEqualTo(DrainStatus.State.NOT_DRAINING);
  }

  @Test
  void remainingConnectionsAreSummedOverConnectedProxiesUntilEveryOneReportsNone() {
    configure(active(A));
    tracker.statsReported("p1", report(stats("web", A).setActiveConnections(3)));
    tracker.statsReported("p2", report(stats("web", A).setActiveConnections(2)));
    Instant started = clock.instant();

    configure(draining(A));
    assertThat(status())
        .isEqualTo(
            DrainStatus.newBuilder()
                .setState(DrainStatus.State.DRAINING)
                .setRemainingConnections(5)
                .setStartedAt(timestamp(started))
                .build());

    tracker.statsReported("p1", report(drainingStats(A, 0)));
    tracker.statsReported("p2", report(drainingStats(A, 1)));
    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINING);
    assertThat(status().getRemainingConnections()).isEqualTo(1);

    tracker.statsReported("p2", report(drainingStats(A, 0)));
    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINED);
    assertThat(status().getRemainingConnections()).isZero();
  }

  @Test
  void aReportFromBeforeTheProxyLearnedOfTheDrainSettlesNothingEvenAtZero() {
    configure(draining(A));

    tracker.statsReported("p1", report(stats("web", A).setActiveConnections(0)));

    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINING);
    tracker.statsReported("p1", report(drainingStats(A, 0)));
    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINED);
  }

  @Test
  void aConnectedProxyThatHasNotReportedYetHoldsTheDrainOpen() {
    configure(draining(A));
    tracker.proxyConnected("p1");
    tracker.statsReported("p2", report(drainingStats(A, 0)));

    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINING);

    tracker.statsReported("p1", report(stats("web", B)));
    assertThat(status().getState())
        .as("p1 does not have the backend at all, so it holds none of its connections")
        .isEqualTo(DrainStatus.State.DRAINED);
  }

  @Test
  void aProxyThatDisconnectsIsNoLongerWaitedFor() {
    configure(draining(A));
    tracker.statsReported("p1", report(drainingStats(A, 4)));
    tracker.statsReported("p2", report(drainingStats(A, 0)));

    tracker.proxyDisconnected("p1");

    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINED);
    assertThat(status().getRemainingConnections()).isZero();
  }

  @Test
  void atTheDeadlineTheDrainIsOverAndSaysHowManyConnectionsWereCutSinceItStarted() {
    tracker.statsReported(
        "p1", report(stats("web", A).setActiveConnections(2).setDrainClosedConnections(7)));
    tracker.statsReported("p2", report(stats("web", A).setActiveConnections(1)));
    Timestamp deadline = timestamp(clock.instant().plusSeconds(30));
    configure(draining(A).toBuilder().setDrainDeadline(deadline).build());
    assertThat(status().getDeadline()).isEqualTo(deadline);

    clock.advance(Duration.ofSeconds(30));
    tracker.tick();
    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINED);
    assertThat(status().getCutConnections()).isZero();

    tracker.statsReported("p1", report(drainingStats(A, 0).setDrainClosedConnections(9)));
    tracker.statsReported("p2", report(drainingStats(A, 0).setDrainClosedConnections(1)));
    assertThat(status().getCutConnections()).as("7 were cut by an earlier drain").isEqualTo(3);
  }

  @Test
  void cutsCountedBeforeAProxyRestartedAreKept() {
    configure(draining(A));
    tracker.statsReported("p1", report(drainingStats(A, 1).setDrainClosedConnections(2)));

    tracker.proxyDisconnected("p1");
    tracker.proxyConnected("p1");
    tracker.statsReported("p1", report(drainingStats(A, 0).setDrainClosedConnections(1)));

    assertThat(status().getCutConnections()).isEqualTo(3);
  }

  @Test
  void progressIsPublishedWhenTheRemainingCountMovesAndWhenDrained() {
    tracker.statsReported("p1", report(stats("web", A).setActiveConnections(2)));
    configure(draining(A));
    tracker.statsReported("p1", report(drainingStats(A, 2)));
    tracker.statsReported("p1", report(drainingStats(A, 1)));
    tracker.statsReported("p1", report(drainingStats(A, 0)));

    assertThat(events.drains())
        .extracting(e -> e.getStatus().getState(), e -> e.getStatus().getRemainingConnections())
        .containsExactly(
            tuple(DrainStatus.State.DRAINING, 2L),
            tuple(DrainStatus.State.DRAINING, 1L),
            tuple(DrainStatus.State.DRAINED, 0L));
    assertThat(events.drains())
        .extracting(DrainEvent::getPool, DrainEvent::getBackend)
        .containsOnly(tuple("web", A));
  }

  @Test
  void withNoProxyConnectedNoneHoldsAConnectionSoTheDrainIsOver() {
    configure(draining(A));

    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINED);
  }

  @Test
  void undrainingEndsTheDrainAndSaysSo() {
    tracker.statsReported("p1", report(stats("web", A).setActiveConnections(1)));
    configure(draining(A));
    events.clear();

    configure(active(A));

    assertThat(status().getState()).isEqualTo(DrainStatus.State.NOT_DRAINING);
    assertThat(events.drains())
        .extracting(e -> e.getStatus().getState())
        .containsExactly(DrainStatus.State.NOT_DRAINING);
  }

  @Test
  void aLaterDeadlineReplacesTheEarlierOne() {
    configure(
        draining(A).toBuilder()
            .setDrainDeadline(timestamp(clock.instant().plusSeconds(10)))
            .build());
    tracker.statsReported("p1", report(drainingStats(A, 1)));
    Timestamp later = timestamp(clock.instant().plusSeconds(60));

    configure(draining(A).toBuilder().setDrainDeadline(later).build());
    clock.advance(Duration.ofSeconds(10));

    assertThat(status().getDeadline()).isEqualTo(later);
    assertThat(status().getState()).isEqualTo(DrainStatus.State.DRAINING);
  }

  private DrainStatus status() {
    return tracker.status("web", lastConfigured);
  }

  private void configure(Backend backend) {
    lastConfigured = backend;
    tracker.configChanged(
        ConfigSnapshot.newBuilder()
            .setVersion(++version)
            .addPools(
                Pool.newBuilder()
                    .setName("web")
                    .setListen(":8080")
                    .addBackends(backend)
                    .addBackends(active(B)))
            .build());
  }

  private static BackendStats.Builder drainingStats(String address, long active) {
    return stats("web", address).setDraining(true).setActiveConnections(active);
  }

  private static Backend active(String address) {
    return Backend.newBuilder()
        .setAddress(address)
        .setWeight(1)
        .setState(BackendState.ACTIVE)
        .build();
  }

  private static Backend draining(String address) {
    return active(address).toBuilder().setState(BackendState.DRAINING).build();
  }

  private static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
