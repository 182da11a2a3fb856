package dev.weir.cli.pool;

import dev.weir.api.v1.Backend;
import dev.weir.cli.args.HostPort;
import dev.weir.cli.args.Weights;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converts {@code --backend HOST:PORT[=WEIGHT]}. Without a weight the field stays unset, which the
 * API defines as 1; the state is left unset too, which means ACTIVE.
 */
final class BackendSpecConverter implements ITypeConverter<Backend> {

  @Override
  public Backend convert(String value) {
    int equals = value.indexOf('=');
    String address = equals < 0 ? value : value.substring(0, equals);
    try {
      Backend.Builder backend = Backend.newBuilder().setAddress(HostPort.parse(address).text());
      if (equals >= 0) {
        backend.setWeight(Weights.parse(value.substring(equals + 1)));
      }
      return backend.build();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
