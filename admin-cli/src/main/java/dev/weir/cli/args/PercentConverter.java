package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a percentage, written {@code 10} or {@code 10%}. */
public final class PercentConverter implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    String number = value.endsWith("%") ? value.substring(0, value.length() - 1) : value;
    try {
      return Counts.parse(number);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException("'" + value + "' is not a percentage, e.g. 10 or 10%");
    }
  }
}
