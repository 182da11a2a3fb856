package dev.weir.cli.args;

/**
 * A {@code host:port} pair as typed by the operator; an IPv6 host is written in brackets.
 *
 * @param host the host without brackets; empty when the form allows leaving it out
 * @param port 1..65535
 * @param text exactly what the operator typed, which is what gets sent to the server
 */
public record HostPort(String host, int port, String text) {

  /** Parses {@code HOST:PORT}, where the host is required. */
  public static HostPort parse(String text) {
    return parse(text, true);
  }

  /** Parses {@code [HOST]:PORT}, where the host may be left out (":8080"). */
  public static HostPort parseListen(String text) {
    return parse(text, false);
  }

  private static HostPort parse(String text, boolean hostRequired) {
    String form = hostRequired ? "HOST:PORT" : "[HOST]:PORT";
    String host;
    String portText;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw invalid(text, form, "an IPv6 host in brackets must be followed by :PORT");
      }
      host = text.substring(1, close);
      portText = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw invalid(text, form, noColon(text, hostRequired));
      }
      host = text.substring(0, colon);
      portText = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw invalid(text, form, "write an IPv6 host in brackets, e.g. [::1]:80");
      }
    }
    if (hostRequired && host.isEmpty()) {
      throw invalid(text, form, "missing host");
    }
    return new HostPort(host, parsePort(text, form, portText), text);
  }

  // "8085" is a port without its colon, not an address without a port.
  private static String noColon(String text, boolean hostRequired) {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return "missing port";
    }
    return hostRequired
        ? "it has no colon; give the host too, e.g. 127.0.0.1:" + text
        : "it has no colon; give HOST:PORT or :PORT, e.g. :" + text + " for every address";
  }

  private static int parsePort(String text, String form, String portText) {
    if (portText.isEmpty()) {
      throw invalid(text, form, "missing port");
    }
    if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
      throw invalid(text, form, "port must be a number 1..65535");
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw invalid(text, form, "port must be a number 1..65535");
    }
    return port;
  }

  private static IllegalArgumentException invalid(String text, String form, String why) {
    return new IllegalArgumentException("'" + text + "' is not " + form + ": " + why);
  }

  @Override
  public String toString() {
    return text;
  }
}
