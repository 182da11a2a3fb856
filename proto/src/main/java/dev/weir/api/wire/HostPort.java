package dev.weir.api.wire;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A parsed {@code host:port} in normal form: hostnames in lower case, IPv6 addresses compressed as
 * RFC 5952 says and shown in brackets. Parsing never touches DNS. This is the one grammar for every
 * {@code host:port} Weir reads: pools' listen and backend addresses, CONNECT authorities, the
 * control plane's and the proxy's flags, weirctl's addresses. Callers add what their field needs
 * ({@link #requireHost}, {@link #requirePort}) and name the field in the error.
 *
 * @param host an IPv4 literal, an IPv6 literal without brackets, a DNS name, or empty
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern IPV4_LIKE = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-f:.]+");

  /**
   * Parses {@code [host]:port}. The host may be empty; callers that need one check it.
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating the input
   */
  public static HostPort parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException("missing \"]\" after the IPv6 address");
      }
      if (close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("missing \":port\" after \"]\"");
      }
      host = ipv6(text.substring(1, close));
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        // "8085" is a port that lost its colon, not a host that lacks a port.
        throw new IllegalArgumentException(
            PORT.matcher(text).matches() ? "no \":\" before the port" : "missing \":port\"");
      }
      if (text.lastIndexOf(':', colon - 1) >= 0) {
        throw new IllegalArgumentException("an IPv6 address must be in brackets, e.g. [::1]:80");
      }
      host = hostName(text.substring(0, colon));
      port = text.substring(colon + 1);
    }
    return new HostPort(host, port(port));
  }

  /**
   * Parses {@code host:port} with a host and a port 1..65535, as an address to connect to.
   *
   * @throws IllegalArgumentException saying what is wrong, without repeating the input
   */
  public static HostPort parseWithHost(String text) {
    return parse(text).requireHost().requirePort();
  }

  /**
   * This, if it names a host.
   *
   * @throws IllegalArgumentException "missing host"
   */
  public HostPort requireHost() {
    if (host.isEmpty()) {
      throw new IllegalArgumentException("missing host");
    }
    return this;
  }

  /**
   * This, if its port is not 0 (which only a server's own listen address may ask for).
   *
   * @throws IllegalArgumentException "port must be 1..65535, got \"0\""
   */
  public HostPort requirePort() {
    if (port == 0) {
      throw new IllegalArgumentException("port must be 1..65535, got \"0\"");
    }
    return this;
  }

  /** The text form, which {@link #parse} reads back unchanged. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  private static int port(String text) {
    if (!PORT.matcher(text).matches() || Integer.parseInt(text) > 65535) {
      // 0 parses (a server's own listen address may ask for any free port), but is not offered:
      // everywhere else it is refused, by requirePort.
      throw new IllegalArgumentException("port must be 1..65535, got \"" + text + "\"");
    }
    return Integer.parseInt(text);
  }

  private static String hostName(String text) {
    if (text.isEmpty()) {
      return text;
    }
    String host = text.toLowerCase(Locale.ROOT);
    if (IPV4_LIKE.matcher(host).matches()) {
      return ipv4(host);
    }
    if (host.length() > 253) {
      throw new IllegalArgumentException("host name is longer than 253 characters");
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        throw new IllegalArgumentException(
            "host \""
                + text
                + "\" is not an IPv4 address or DNS "
                + "name: each dot-separated label must be 1..63 of [a-z0-9-], starting and ending "
                + "with a letter or digit");
      }
    }
    if (IPV4_LIKE.matcher(labels[labels.length - 1]).matches()) {
      // Resolvers would read "10.1.1.300x" fine but "1.2.3.4.5" as a broken address.
      throw new IllegalArgumentException("host \"" + text + "\" ends in a numeric label");
    }
    return host;
  }

  private static String ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    boolean valid = parts.length == 4;
    for (int i = 0; valid && i < parts.length; i++) {
      String part = parts[i];
      // Leading zeros are refused: some tools read them as octal.
      valid =
          !part.isEmpty()
              && part.length() <= 3
              && (part.length() == 1 || part.charAt(0) != '0')
              && Integer.parseInt(part) <= 255;
    }
    if (!valid) {
      throw new IllegalArgumentException("host \"" + text + "\" is not a valid IPv4 address");
    }
    return text;
  }

  private static String ipv6(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    InetAddress address = null;
    if (IPV6_CHARS.matcher(lower).matches() && lower.indexOf(':') >= 0) {
      try {
        // The brackets make InetAddress parse a literal or fail; it never resolves a name here.
        address = InetAddress.getByName("[" + lower + "]");
      } catch (UnknownHostException e) {
        address = null;
      }
    }
    if (!(address instanceof Inet6Address)) {
      throw new IllegalArgumentException(
          "["
              + text
              + "] is not a valid IPv6 address"
              + (address != null ? "; write IPv4-mapped addresses in IPv4 form" : ""));
    }
    return compress(address.getAddress());
  }

  // RFC 5952: lower-case hex without leading zeros, the longest run of two or more zero groups
  // (the first, on a tie) written as "::".
  private static String compress(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
