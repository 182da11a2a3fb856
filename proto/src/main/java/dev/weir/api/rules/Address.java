package dev.weir.api.rules;

import dev.weir.api.wire.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A {@code host:port} from a snapshot, as a proxy reads it, in {@link HostPort}'s grammar (the one
 * the control plane checks with before it commits). Parsing never looks a name up.
 *
 * @param host an IPv4 literal, an IPv6 literal without brackets, a host name, or empty
 * @param literal whether {@code host} is an IP address rather than a name
 */
public record Address(String host, int port, boolean literal) {
  private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

  /**
   * Reads "host:port", "[v6]:port", or with {@code hostOptional} also ":port"; port 1..65535.
   *
   * @param field how the error names the value, e.g. {@code "pool web: listen"}
   * @throws RuleViolation e.g. {@code pool web: listen "web" is not HOST:PORT: missing ":port"}
   */
  public static Address parse(String field, String value, boolean hostOptional)
      throws RuleViolation {
    HostPort parsed;
    try {
      parsed = HostPort.parse(value).requirePort();
      if (!hostOptional) {
        parsed.requireHost();
      }
    } catch (IllegalArgumentException e) {
      throw new RuleViolation(field + " \"" + value + "\" is not HOST:PORT: " + e.getMessage());
    }
    String host = parsed.host();
    boolean literal = host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    return new Address(host, parsed.port(), literal);
  }

  /** Where to connect: unresolved for a name, so it is looked up at connect time. */
  public InetSocketAddress toSocketAddress() {
    if (literal) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new AssertionError("literal was parsed before", e);
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }
}
