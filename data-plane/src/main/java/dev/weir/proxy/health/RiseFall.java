package dev.weir.proxy.health;

import dev.weir.api.v1.BackendHealth;

/**
 * The verdict of one backend's active checks: {@code fall} failures in a row make it UNHEALTHY,
 * {@code rise} successes in a row make an unhealthy backend HEALTHY again.
 *
 * <p>Before the first verdict it is UNKNOWN and counts as healthy, so a new config never
 * black-holes traffic while its checks warm up: the first success reports HEALTHY at once, and it
 * takes {@code fall} failures, as for a healthy backend, to report UNHEALTHY. Not thread-safe; the
 * pool's lock guards it.
 */
final class RiseFall {

  private final int rise;
  private final int fall;
  private BackendHealth verdict;
  // Consecutive results that disagree with the verdict.
  private int streak;

  RiseFall(int rise, int fall) {
    this(rise, fall, BackendHealth.UNKNOWN);
  }

  /** Starts from {@code verdict}, for checks whose settings changed. */
  RiseFall(int rise, int fall, BackendHealth verdict) {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException("rise and fall must be >= 1, got " + rise + ", " + fall);
    }
    this.rise = rise;
    this.fall = fall;
    this.verdict = verdict;
  }

  BackendHealth verdict() {
    return verdict;
  }

  /** Counts one probe's result. @return whether the verdict changed */
  boolean record(boolean passed) {
    BackendHealth before = verdict;
    switch (verdict) {
      case UNHEALTHY -> {
        streak = passed ? streak + 1 : 0;
        if (streak >= rise) {
          verdict = BackendHealth.HEALTHY;
          streak = 0;
        }
      }
      default -> {
        streak = passed ? 0 : streak + 1;
        if (streak >= fall) {
          verdict = BackendHealth.UNHEALTHY;
          streak = 0;
        } else if (passed) {
          verdict = BackendHealth.HEALTHY;
        }
      }
    }
    return verdict != before;
  }
}
