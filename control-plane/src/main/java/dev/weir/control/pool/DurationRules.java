package dev.weir.control.pool;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;

/** Range checks for {@code google.protobuf.Duration} settings, and their short text form. */
final class DurationRules {
  static final Duration ZERO = Durations.ZERO;

  private DurationRules() {}

  /**
   * Checks a duration where zero means "the default". Anything else must lie in {@code min..max} (a
   * null {@code max} means no upper bound).
   *
   * @param range how the allowed values read in the error, e.g. {@code "100ms..1h"}
   */
  static void check(String field, Duration value, Duration min, Duration max, String range) {
    valid(field, value);
    if (value.equals(ZERO)) {
      return;
    }
    if (Durations.isNegative(value)
        || Durations.compare(value, min) < 0
        || (max != null && Durations.compare(value, max) > 0)) {
      throw ConfigRules.invalid(field + " must be " + range + ", got " + format(value));
    }
  }

  /**
   * Refuses what the Duration type itself forbids: nanos beyond a second, nanos whose sign differs
   * from the seconds', or more than 10,000 years.
   */
  static void valid(String field, Duration value) {
    if (!Durations.isValid(value)) {
      throw ConfigRules.invalid(
          field
              + " is not a valid duration: seconds "
              + value.getSeconds()
              + ", nanos "
              + value.getNanos()
              + " (nanos must be 0..999999999 and the total at most "
              + "10000 years)");
    }
  }

  /** The shortest exact form in one unit: "1h", "90s", "250ms"; finer values as "0.000001s". */
  static String format(Duration value) {
    if (Durations.isNegative(value)) {
      return "-" + format(Durations.subtract(ZERO, value));
    }
    long seconds = value.getSeconds();
    int nanos = value.getNanos();
    if (nanos == 0) {
      if (seconds != 0 && seconds % 86_400 == 0) {
        return seconds / 86_400 + "d";
      }
      if (seconds != 0 && seconds % 3600 == 0) {
        return seconds / 3600 + "h";
      }
      if (seconds != 0 && seconds % 60 == 0) {
        return seconds / 60 + "m";
      }
      return seconds + "s";
    }
    if (nanos % 1_000_000 == 0) {
      return (seconds * 1000 + nanos / 1_000_000) + "ms";
    }
    return Durations.toString(value);
  }

  static Duration millis(long millis) {
    return Durations.fromMillis(millis);
  }

  static Duration seconds(long seconds) {
    return Durations.fromSeconds(seconds);
  }
}
