package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Converts a buffer size such as {@code 64k}, {@code 1m} or {@code 1048576}. */
public final class ByteSizeConverter implements ITypeConverter<Integer> {

  @Override
  public Integer convert(String value) {
    try {
      return ByteSizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
