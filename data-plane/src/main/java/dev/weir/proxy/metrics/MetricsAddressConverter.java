package dev.weir.proxy.metrics;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads the address to serve metrics on: HOST:PORT, such as "0.0.0.0:9100", "localhost:9100" or
 * "[::1]:9100". The host is resolved here, so a typo fails at startup and not at the first scrape.
 */
public final class MetricsAddressConverter implements ITypeConverter<InetSocketAddress> {

  @Override
  public InetSocketAddress convert(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new TypeConversionException(
          "'" + value + "' is not HOST:PORT; use e.g. 0.0.0.0:9100 or [::1]:9100");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new TypeConversionException(
          "'" + value + "': put an IPv6 address in brackets, e.g. [::1]:9100");
    }
    int port = port(value.substring(colon + 1), value);
    return new InetSocketAddress(resolve(host, value), port);
  }

  private static int port(String text, String value) {
    int port;
    try {
      port = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new TypeConversionException(
          "'" + value + "': port must be 1..65535, got '" + text + "'");
    }
    return port;
  }

  private static InetAddress resolve(String host, String value) {
    if (host.isEmpty()) {
      throw new TypeConversionException(
          "'" + value + "' names no host; use 0.0.0.0 for every interface");
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new TypeConversionException("'" + value + "': unknown host '" + host + "'");
    }
  }
}
