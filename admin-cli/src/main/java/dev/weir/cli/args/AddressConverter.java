package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks a backend's {@code HOST:PORT} and passes the text on unchanged. */
public final class AddressConverter implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    try {
      return HostPort.parse(value).text();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
