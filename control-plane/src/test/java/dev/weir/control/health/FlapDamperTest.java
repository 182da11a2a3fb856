package dev.weir.control.health;

import static dev.weir.api.v1.FleetHealth.FLEET_DAMPED;
import static dev.weir.api.v1.FleetHealth.FLEET_HEALTHY;
import static dev.weir.api.v1.FleetHealth.FLEET_UNHEALTHY;
import static dev.weir.api.v1.FleetHealth.FLEET_UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.FleetHealth;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FlapDamperTest {

  private final FlapDamper damper = new FlapDamper();
  private Instant now = Instant.parse("2030-01-01T00:00:00Z");

  @Test
  void aSteadyBackendIsReportedAsTheQuorumSaysIt() {
    assertThat(see(FLEET_UNKNOWN)).isEqualTo(FLEET_UNKNOWN);
    assertThat(see(FLEET_HEALTHY)).isEqualTo(FLEET_HEALTHY);
    later(Duration.ofMinutes(5));
    assertThat(see(FLEET_UNHEALTHY)).isEqualTo(FLEET_UNHEALTHY);
    assertThat(damper.dampedUntil(now)).isNull();
  }

  @Test
  void threeFlipsWithinTwoMinutesHoldTheBackendDownForThirtySeconds() {
    see(FLEET_HEALTHY);
    later(Duration.ofSeconds(20));
    see(FLEET_UNHEALTHY);
    later(Duration.ofSeconds(20));
    see(FLEET_HEALTHY);
    later(Duration.ofSeconds(20));

    assertThat(see(FLEET_UNHEALTHY)).isEqualTo(FLEET_DAMPED);
    assertThat(damper.dampedUntil(now)).isEqualTo(now.plusSeconds(30));
    later(Duration.ofSeconds(5));
    assertThat(see(FLEET_UNHEALTHY)).as("no flip: still held").isEqualTo(FLEET_DAMPED);
  }

  @Test
  void aDampedBackendIsReportedDownEvenWhileTheQuorumSaysHealthy() {
    flapUntilDamped();

    assertThat(damper.reported(now.plusSeconds(29))).isEqualTo(FLEET_DAMPED);
    assertThat(damper.reported(now.plusSeconds(30)))
        .as("the hold has run out: the quorum's verdict again")
        .isEqualTo(FLEET_UNHEALTHY);
  }

  @Test
  void flipsSpreadOverMoreThanTheWindowDoNotDamp() {
    FleetHealth[] verdicts = {
      FLEET_HEALTHY, FLEET_UNHEALTHY, FLEET_HEALTHY, FLEET_UNHEALTHY, FLEET_HEALTHY, FLEET_UNHEALTHY
    };
    for (FleetHealth verdict : verdicts) {
      assertThat(see(verdict)).isEqualTo(verdict);
      later(Duration.ofSeconds(61));
    }
  }

  @Test
  void eachFlapWhileDampedDoublesTheHoldFromThatFlap() {
    flapUntilDamped();

    later(Duration.ofSeconds(10));
    see(FLEET_HEALTHY);
    assertThat(damper.dampedUntil(now)).isEqualTo(now.plusSeconds(60));
    later(Duration.ofSeconds(10));
    see(FLEET_UNHEALTHY);
    assertThat(damper.dampedUntil(now)).isEqualTo(now.plusSeconds(120));
    later(Duration.ofSeconds(10));
    see(FLEET_HEALTHY);
    assertThat(damper.dampedUntil(now)).isEqualTo(now.plusSeconds(240));
  }

  @Test
  void theHoldNeverExceedsTenMinutes() {
    flapUntilDamped();
    FleetHealth next = FLEET_HEALTHY;
    for (int i = 0; i < 10; i++) {
      later(Duration.ofSeconds(1));
      see(next);
      next = next == FLEET_HEALTHY ? FLEET_UNHEALTHY : FLEET_HEALTHY;
    }

    assertThat(damper.dampedUntil(now)).isEqualTo(now.plus(FlapDamper.MAX_HOLD));
  }

  @Test
  void aBackendDampedAgainSoonKeepsItsLongerHoldButAQuietSpellResetsIt() {
    flapUntilDamped();
    later(Duration.ofSeconds(1));
    see(FLEET_HEALTHY); // doubled to 60s
    later(Duration.ofSeconds(61));
    assertThat(see(FLEET_HEALTHY)).as("released").isEqualTo(FLEET_HEALTHY);

    flapUntilDamped();
    assertThat(damper.dampedUntil(now)).isEqualTo(now.plusSeconds(60));

    later(Duration.ofMinutes(11));
    assertThat(see(FLEET_UNHEALTHY)).isEqualTo(FLEET_UNHEALTHY);
    later(Duration.ofMinutes(11));
    flapUntilDamped();
    assertThat(damper.dampedUntil(now)).as("back to the base hold").isEqualTo(now.plusSeconds(30));
  }

  @Test
  void aSpellOfUnknownBetweenTwoEqualVerdictsIsNotAFlip() {
    for (int i = 0; i < 5; i++) {
      see(FLEET_HEALTHY);
      later(Duration.ofSeconds(1));
      see(FLEET_UNKNOWN);
      later(Duration.ofSeconds(1));
    }

    assertThat(see(FLEET_HEALTHY)).isEqualTo(FLEET_HEALTHY);
  }

  /** Three flips, 10s apart, from whatever the damper last saw; ends on the third. */
  private void flapUntilDamped() {
    FleetHealth last = damper.reported(now) == FLEET_UNHEALTHY ? FLEET_UNHEALTHY : FLEET_HEALTHY;
    see(last);
    for (int i = 0; i < FlapDamper.FLIPS_TO_DAMP; i++) {
      later(Duration.ofSeconds(10));
      last = last == FLEET_HEALTHY ? FLEET_UNHEALTHY : FLEET_HEALTHY;
      see(last);
    }
    assertThat(damper.reported(now)).isEqualTo(FLEET_DAMPED);
  }

  private FleetHealth see(FleetHealth verdict) {
    return damper.observe(verdict, now);
  }

  private void later(Duration d) {
    now = now.plus(d);
  }
}
