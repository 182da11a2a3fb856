package dev.weir.cli.output;

import java.time.Duration;
import java.time.Instant;

/** Ages as kubectl prints them: the largest whole unit, "5s", "3m", "2h", "4d". */
public final class RelativeAge {

  private RelativeAge() {}

  /** How long before {@code now} {@code then} was; a {@code then} in the future reads "0s". */
  public static String between(Instant then, Instant now) {
    // Clocks of the control plane and this machine differ a little; never print a negative age.
    long seconds = Math.max(0, Duration.between(then, now).getSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m";
    }
    if (seconds < 86400) {
      return seconds / 3600 + "h";
    }
    return seconds / 86400 + "d";
  }
}
