package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a whole-number setting such as {@code --health-rise 2}. */
public final class CountConverter implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    try {
      return Counts.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
