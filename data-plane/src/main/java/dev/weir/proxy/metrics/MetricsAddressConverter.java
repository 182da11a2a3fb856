package dev.weir.proxy.metrics;

import dev.weir.api.wire.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads the address to serve metrics on: HOST:PORT, such as "0.0.0.0:9100", "localhost:9100" or
 * "[::1]:9100", in {@link HostPort}'s grammar. The host is resolved here, so a typo fails at
 * startup and not at the first scrape.
 */
public final class MetricsAddressConverter implements ITypeConverter<InetSocketAddress> {

  @Override
  public InetSocketAddress convert(String value) {
    HostPort parsed;
    try {
      parsed = HostPort.parseWithHost(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is not HOST:PORT: "
              + e.getMessage()
              + "; use e.g. 0.0.0.0:9100 for every interface, or [::1]:9100");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(parsed.host()), parsed.port());
    } catch (UnknownHostException e) {
      throw new TypeConversionException("'" + value + "': unknown host '" + parsed.host() + "'");
    }
  }
}
