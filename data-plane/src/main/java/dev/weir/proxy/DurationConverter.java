package dev.weir.proxy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads "250ms", "5s", "2m", "1h" (or ISO-8601 "PT5S") as a positive duration. */
final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    Duration d;
    Matcher m = SIMPLE.matcher(value);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } else {
      try {
        d = Duration.parse(value);
      } catch (RuntimeException e) {
        d = null;
      }
    }
    if (d == null || d.isZero() || d.isNegative()) {
      throw new TypeConversionException(
          "'" + value + "' is not a positive duration; use e.g. 500ms, 5s, 2m");
    }
    return d;
  }
}
