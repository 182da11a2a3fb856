package dev.weir.control.health;

import dev.weir.api.v1.FleetHealth;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Holds a backend down when its fleet-wide verdict keeps flipping, so operators and guards see a
 * flapping backend as unhealthy rather than as a blinking light.
 *
 * <p>A flip is a change between HEALTHY and UNHEALTHY (a spell of UNKNOWN between two equal
 * verdicts is not one). {@value #FLIPS_TO_DAMP} flips within {@link #WINDOW} damp the backend for
 * the current hold, which starts at {@link #BASE_HOLD}; each further flip while damped doubles the
 * hold (up to {@link #MAX_HOLD}) and restarts it from that flip. The hold returns to its base once
 * the backend has gone {@link #QUIET_PERIOD} without a flip.
 *
 * <p>Not thread-safe: its owner serializes calls. Time comes from the caller.
 */
final class FlapDamper {
  static final int FLIPS_TO_DAMP = 3;
  static final Duration WINDOW = Duration.ofMinutes(2);
  static final Duration BASE_HOLD = Duration.ofSeconds(30);
  static final Duration MAX_HOLD = Duration.ofMinutes(10);
  static final Duration QUIET_PERIOD = Duration.ofMinutes(10);

  private final Deque<Instant> recentFlips = new ArrayDeque<>();
  private FleetHealth verdict = FleetHealth.FLEET_UNKNOWN;
  private FleetHealth lastKnown;
  private Duration hold = BASE_HOLD;
  private Instant lastFlip;
  // Null while not damped.
  private Instant dampedUntil;

  /** Takes the quorum's verdict at {@code now} and returns what to report. */
  FleetHealth observe(FleetHealth next, Instant now) {
    release(now);
    boolean known = next == FleetHealth.FLEET_HEALTHY || next == FleetHealth.FLEET_UNHEALTHY;
    if (known && lastKnown != null && next != lastKnown) {
      flipped(now);
    }
    if (known) {
      lastKnown = next;
    }
    verdict = next;
    return reported(now);
  }

  /** FLEET_DAMPED while held down, else the last verdict. */
  FleetHealth reported(Instant now) {
    return damped(now) ? FleetHealth.FLEET_DAMPED : verdict;
  }

  /** Until when the backend is held down, or null when it is not. */
  Instant dampedUntil(Instant now) {
    return damped(now) ? dampedUntil : null;
  }

  private boolean damped(Instant now) {
    return dampedUntil != null && now.isBefore(dampedUntil);
  }

  private void release(Instant now) {
    if (dampedUntil != null && !now.isBefore(dampedUntil)) {
      dampedUntil = null;
      // The flips that led here are paid for; damping again takes new ones.
      recentFlips.clear();
    }
  }

  private void flipped(Instant now) {
    if (lastFlip != null && Duration.between(lastFlip, now).compareTo(QUIET_PERIOD) >= 0) {
      hold = BASE_HOLD;
    }
    lastFlip = now;
    if (dampedUntil != null) {
      hold = hold.multipliedBy(2).compareTo(MAX_HOLD) > 0 ? MAX_HOLD : hold.multipliedBy(2);
      dampedUntil = now.plus(hold);
      return;
    }
    recentFlips.addLast(now);
    Instant windowStart = now.minus(WINDOW);
    while (recentFlips.peekFirst().isBefore(windowStart)) {
      recentFlips.removeFirst();
    }
    if (recentFlips.size() >= FLIPS_TO_DAMP) {
      dampedUntil = now.plus(hold);
      recentFlips.clear();
    }
  }
}
