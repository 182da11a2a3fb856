package dev.weir.control.health;

import static dev.weir.api.v1.BackendHealth.EJECTED;
import static dev.weir.api.v1.BackendHealth.HEALTHY;
import static dev.weir.api.v1.BackendHealth.UNHEALTHY;
import static dev.weir.api.v1.BackendHealth.UNKNOWN;
import static dev.weir.control.testing.StatsReports.health;
import static dev.weir.control.testing.StatsReports.report;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.HealthEvent;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.control.testing.MutableClock;
import dev.weir.control.testing.RecordedEvents;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetHealthTrackerTest {
  private static final String A = "10.0.0.1:80";
  private static final String B = "10.0.0.2:80";

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final RecordedEvents events = new RecordedEvents();
  private final FleetHealthTracker tracker = new FleetHealthTracker(clock, events);

  @BeforeEach
  void configureOnePool() {
    tracker.configChanged(config(1, 0, A, B));
  }

  @Test
  void aBackendNoProxyHasJudgedIsUnknownAndNotUnhealthy() {
    tracker.statsReported("p1", report(health("web", A, UNKNOWN)));

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
    assertThat(tracker.unhealthy("web", A)).isFalse();
    assertThat(tracker.unhealthy("web", "10.9.9.9:80")).as("not configured").isFalse();
    assertThat(tracker.unhealthy("nope", A)).isFalse();
  }

  @Test
  void ejectedCountsAsUnhealthy() {
    vote("p1", EJECTED);
    vote("p2", EJECTED);
    vote("p3", HEALTHY);

    assertThat(tracker.unhealthy("web", A)).isTrue();
  }

  @Test
  void aDisconnectedProxysVoteNoLongerCounts() {
    vote("p1", UNHEALTHY);
    vote("p2", HEALTHY);
    assertThat(tracker.unhealthy("web", A)).isTrue();

    tracker.proxyDisconnected("p1");

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_HEALTHY);
  }

  @Test
  void aProxysNewStreamStartsWithoutItsOldVote() {
    vote("p1", UNHEALTHY);

    tracker.proxyConnected("p1");

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
  }

  @Test
  void aBackendMissingFromAProxysLatestReportLosesThatProxysVote() {
    tracker.statsReported("p1", report(health("web", A, UNHEALTHY), health("web", B, HEALTHY)));

    tracker.statsReported("p1", report(health("web", B, HEALTHY)));

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
  }

  @Test
  void thePoolsQuorumPercentIsUsedAndFollowsConfigChanges() {
    vote("p1", UNHEALTHY);
    vote("p2", HEALTHY);
    vote("p3", HEALTHY);
    assertThat(tracker.unhealthy("web", A)).as("1 of 3 at 50%").isFalse();

    tracker.configChanged(config(2, 30, A, B));

    assertThat(tracker.unhealthy("web", A)).as("1 of 3 at 30%").isTrue();
  }

  @Test
  void eachChangeOfWhatIsReportedIsPublishedWithWhatItWas() {
    vote("p1", HEALTHY);
    vote("p1", UNHEALTHY);
    vote("p1", UNHEALTHY);

    assertThat(events.health())
        .containsExactly(
            event(FleetHealth.FLEET_HEALTHY, FleetHealth.FLEET_UNKNOWN),
            event(FleetHealth.FLEET_UNHEALTHY, FleetHealth.FLEET_HEALTHY));
  }

  @Test
  void aFlappingBackendIsHeldDownAndReleasedByTheTickOnceTheHoldRunsOut() {
    for (BackendHealth next : new BackendHealth[] {HEALTHY, UNHEALTHY, HEALTHY, UNHEALTHY}) {
      vote("p1", next);
      clock.advance(Duration.ofSeconds(10));
    }
    FleetHealthTracker.Verdict damped = tracker.verdict("web", A);
    assertThat(damped.health()).isEqualTo(FleetHealth.FLEET_DAMPED);
    assertThat(damped.dampedUntil()).isEqualTo(clock.instant().plusSeconds(20));
    assertThat(tracker.unhealthy("web", A)).isTrue();
    vote("p1", UNHEALTHY);
    events.clear();

    clock.advance(Duration.ofSeconds(20));
    tracker.tick();

    assertThat(tracker.verdict("web", A))
        .isEqualTo(new FleetHealthTracker.Verdict(FleetHealth.FLEET_UNHEALTHY, null));
    assertThat(events.health())
        .containsExactly(event(FleetHealth.FLEET_UNHEALTHY, FleetHealth.FLEET_DAMPED));
  }

  @Test
  void aRemovedBackendIsForgottenAndReaddedFresh() {
    vote("p1", UNHEALTHY);

    tracker.configChanged(config(2, 0, B));
    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
    tracker.configChanged(config(3, 0, A, B));

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
  }

  @Test
  void anOlderConfigArrivingLateIsIgnored() {
    tracker.configChanged(config(5, 0, B));

    tracker.configChanged(config(4, 0, A, B));
    vote("p1", UNHEALTHY);

    assertThat(tracker.verdict("web", A).health()).isEqualTo(FleetHealth.FLEET_UNKNOWN);
  }

  private void vote(String proxy, BackendHealth health) {
    tracker.statsReported(proxy, report(health("web", A, health)));
  }

  private static HealthEvent event(FleetHealth health, FleetHealth previous) {
    return HealthEvent.newBuilder()
        .setPool("web")
        .setBackend(A)
        .setHealth(health)
        .setPrevious(previous)
        .build();
  }

  private static ConfigSnapshot config(long version, int quorum, String... addresses) {
    Pool.Builder pool =
        Pool.newBuilder()
            .setName("web")
            .setListen(":8080")
            .setSettings(PoolSettings.newBuilder().setHealthQuorumPercent(quorum));
    for (String address : addresses) {
      pool.addBackends(Backend.newBuilder().setAddress(address).setWeight(1));
    }
    return ConfigSnapshot.newBuilder().setVersion(version).addPools(pool).build();
  }
}
