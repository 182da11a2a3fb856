package dev.weir.cli.args;

/**
 * A {@code host:port} pair as typed by the operator; an IPv6 host is written in brackets. The
 * grammar is {@link dev.weir.api.wire.HostPort}'s, the one the control plane checks with; this
 * keeps what was typed, which is what gets sent.
 *
 * @param host the host without brackets, in normal form; empty when the form allows leaving it out
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
    if (!text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      // "8085" is a port without its colon, not an address without a port.
      throw invalid(
          text,
          form,
          hostRequired
              ? "it has no colon; give the host too, e.g. 127.0.0.1:" + text
              : "it has no colon; give HOST:PORT or :PORT, e.g. :" + text + " for every address");
    }
    try {
      dev.weir.api.wire.HostPort parsed = dev.weir.api.wire.HostPort.parse(text).requirePort();
      if (hostRequired) {
        parsed.requireHost();
      }
      return new HostPort(parsed.host(), parsed.port(), text);
    } catch (IllegalArgumentException e) {
      throw invalid(text, form, e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String text, String form, String why) {
    return new IllegalArgumentException("'" + text + "' is not " + form + ": " + why);
  }

  @Override
  public String toString() {
    return text;
  }
}
