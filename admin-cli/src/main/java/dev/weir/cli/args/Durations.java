package dev.weir.cli.args;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations the way operators type them: {@code 500ms}, {@code 10s}, {@code 1m}.
 */
public final class Durations {

  private static final Pattern FORM = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private Durations() {}

  /** Parses a positive duration, or throws {@link IllegalArgumentException}. */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration: write a number followed by ms, s, m or h, e.g. 10s");
    }
    Duration duration = of(Long.parseLong(m.group(1)), m.group(2));
    if (duration.isZero()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: must be more than 0");
    }
    return duration;
  }

  /**
   * Parses a duration for a pool setting, where {@code 0} (with or without a unit) is allowed and
   * means "the default", as the API defines zero for every setting.
   */
  public static Duration parseAllowingZero(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a duration: write a number followed by ms, s, m or h, e.g. 10s, "
              + "or 0 for the default");
    }
    return of(Long.parseLong(m.group(1)), m.group(2));
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

  /** The same length as a {@code google.protobuf.Duration}, for the API's settings. */
  public static com.google.protobuf.Duration toProto(Duration duration) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(duration.getSeconds())
        .setNanos(duration.getNano())
        .build();
  }

  /** Formats a {@code google.protobuf.Duration} the way {@link #format(Duration)} does. */
  public static String format(com.google.protobuf.Duration duration) {
    return format(Duration.ofSeconds(duration.getSeconds(), duration.getNanos()));
  }

  private static Duration of(long amount, String unit) {
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }
}
