package dev.weir.cli.args;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses the control plane's {@code HOST:PORT}. */
public final class ControlPlaneAddressConverter implements ITypeConverter<HostPort> {

  @Override
  public HostPort convert(String value) {
    try {
      return HostPort.parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
