package dev.weir.cli.history;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a config version, as {@code weirctl history} lists them: a whole number from 1. */
final class VersionConverter implements ITypeConverter<Long> {

  @Override
  public Long convert(String value) {
    if (value.matches("[0-9]{1,18}") && Long.parseLong(value) > 0) {
      return Long.parseLong(value);
    }
    throw new TypeConversionException(
        "'"
            + value
            + "' is not a config version: give a number from 1, as 'weirctl history' "
            + "lists them");
  }
}
