package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Checks a pool's {@code [HOST]:PORT} listen address and passes the text on unchanged. */
public final class ListenAddressConverter implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    try {
      return HostPort.parseListen(value).text();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
