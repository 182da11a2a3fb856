package dev.weir.api.rules;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A {@code host:port} from a snapshot, as a proxy reads it. Parsing never looks a name up.
 *
 * @param host an IPv4 literal, an IPv6 literal without brackets, a host name, or empty
 * @param literal whether {@code host} is an IP address rather than a name
 */
public record Address(String host, int port, boolean literal) {
  private static final String LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
  private static final Pattern HOSTNAME = Pattern.compile(LABEL + "(\\." + LABEL + ")*\\.?");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  /**
   * Reads "host:port", "[v6]:port", or with {@code hostOptional} also ":port".
   *
   * @param field how the error names the value, e.g. {@code "pool web: listen"}
   */
  public static Address parse(String field, String value, boolean hostOptional)
      throws RuleViolation {
    int colon = value.lastIndexOf(':');
    if (colon < 0) {
      throw new RuleViolation(field + " must be HOST:PORT, got \"" + value + "\"");
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 1 || port > 65535) {
      throw new RuleViolation(field + ": port must be 1..65535, got \"" + portText + "\"");
    }
    boolean literal = false;
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    if (bracketed) {
      host = host.substring(1, host.length() - 1);
      if (!host.contains(":")) {
        throw new RuleViolation(field + ": \"[" + host + "]\" is not an IPv6 address");
      }
      literal = true;
    } else if (IPV4.matcher(host).matches()) {
      for (String octet : host.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw new RuleViolation(field + ": \"" + host + "\" is not a valid IPv4 address");
        }
      }
      literal = true;
    } else if (host.isEmpty()) {
      if (!hostOptional) {
        throw new RuleViolation(field + " must name a host, got \"" + value + "\"");
      }
    } else if (!HOSTNAME.matcher(host).matches() || host.length() > 253) {
      throw new RuleViolation(field + ": \"" + host + "\" is not a valid host name");
    }
    if (literal) {
      try {
        // A literal never causes a lookup; this only parses it. IPv6 keeps its brackets, without
        // which a malformed one such as "zz:zz" would be looked up as a host name.
        InetAddress.getByName(bracketed ? "[" + host + "]" : host);
      } catch (UnknownHostException e) {
        throw new RuleViolation(field + ": \"" + host + "\" is not a valid IP address");
      }
    }
    return new Address(host, port, literal);
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
