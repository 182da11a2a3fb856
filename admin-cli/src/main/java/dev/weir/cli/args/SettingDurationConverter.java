package dev.weir.cli.args;

import dev.weir.api.wire.DurationText;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a pool setting's duration, such as {@code 30s}; {@code 0} means the default. */
public final class SettingDurationConverter implements ITypeConverter<Duration> {

  @Override
  public Duration convert(String value) {
    try {
      return DurationText.parseAllowingZero(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
