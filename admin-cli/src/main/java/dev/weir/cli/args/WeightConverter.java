package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a {@code --weight} or {@code WEIGHT} argument. */
public final class WeightConverter implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    try {
      return Weights.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
