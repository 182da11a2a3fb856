package dev.weir.api.wire;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators type them on every command line: a whole number and a unit ({@code 500ms},
 * {@code 10s}, {@code 2m}, {@code 1h}), or ISO-8601 ({@code PT5S}, {@code PT1.5S}) for the rest. No
 * spaces, signs or fractions in the short form.
 */
public final class DurationText {

  private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final String FORMS =
      "write a number followed by ms, s, m or h (e.g. 500ms, 10s, " + "2m) or ISO-8601 (e.g. PT5S)";

  private DurationText() {}

  /**
   * Parses a duration longer than zero.
   *
   * @throws IllegalArgumentException quoting the text and saying what is allowed
   */
  public static Duration parse(String text) {
    Duration duration = read(text);
    if (duration == null || duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException("'" + text + "' is not a positive duration: " + FORMS);
    }
    return duration;
  }

  /**
   * Parses a duration for a pool setting, where zero ({@code 0}, with or without a unit) is allowed
   * and means "the default", as the API defines zero for every setting.
   *
   * @throws IllegalArgumentException quoting the text and saying what is allowed
   */
  public static Duration parseAllowingZero(String text) {
    Duration duration = text.equals("0") ? Duration.ZERO : read(text);
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: " + FORMS + ", or 0 for the default");
    }
    return duration;
  }

  /**
   * Formats with the largest unit that divides it exactly, so {@code parseAllowingZero(format(d))}
   * is d for whole milliseconds; zero is "0".
   */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0) {
      return "0";
    }
    if (millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1_000 == 0) {
      return millis / 1_000 + "s";
    }
    return millis + "ms";
  }

  /** Formats a {@code google.protobuf.Duration} the way {@link #format(Duration)} does. */
  public static String format(com.google.protobuf.Duration duration) {
    return format(Duration.ofSeconds(duration.getSeconds(), duration.getNanos()));
  }

  /** The same length as a {@code google.protobuf.Duration}, for the API's settings. */
  public static com.google.protobuf.Duration toProto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  // Null for text in neither form.
  private static Duration read(String text) {
    Matcher m = SHORT.matcher(text);
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        default -> Duration.ofHours(amount);
      };
    }
    // Only "P…" reaches Duration.parse: it also reads a leading sign, which is not wanted here.
    if (!text.startsWith("P") && !text.startsWith("p")) {
      return null;
    }
    try {
      return Duration.parse(text);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
