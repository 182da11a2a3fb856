package dev.weir.proxy.relay;

import java.util.Locale;

/**
 * Reads the head of an HTTP CONNECT request strictly: "CONNECT host:port HTTP/1.x", CRLF line ends,
 * well-formed header lines (whose values are not needed), nothing else.
 *
 * <p>A small parser of our own rather than netty-codec-http's HttpRequestDecoder: the head is all a
 * tunnel needs, the decoder would go on to parse the client's pipelined tunnel bytes as a next
 * request, and it accepts forms (bare LF, obs-fold, absolute-form targets) a tunnel entrance should
 * refuse.
 */
final class ConnectRequestHead {

  /** What the head asked for: the target (lower case) or the status that refuses it. */
  record Result(String authority, int status) {
    boolean accepted() {
      return authority != null;
    }
  }

  static final Result BAD_REQUEST = new Result(null, 400);
  static final Result METHOD_NOT_ALLOWED = new Result(null, 405);
  private static final int MAX_PORT = 65535;

  private ConnectRequestHead() {}

  /**
   * @param head the request line and header lines, each ended by CRLF, without the empty line that
   *     ends the head; ISO-8859-1, one char per byte
   */
  static Result parse(String head) {
    for (int i = 0; i < head.length(); i++) {
      char c = head.charAt(i);
      if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f) {
        return BAD_REQUEST;
      }
    }
    if (!head.endsWith("\r\n")) {
      return BAD_REQUEST;
    }
    String[] lines = head.substring(0, head.length() - 2).split("\r\n", -1);
    for (String line : lines) {
      if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
        return BAD_REQUEST; // a bare CR or LF
      }
    }
    for (int i = 1; i < lines.length; i++) {
      if (!isHeaderLine(lines[i])) {
        return BAD_REQUEST;
      }
    }
    String[] parts = lines[0].split(" ", -1);
    if (parts.length != 3
        || !isToken(parts[0])
        || !(parts[2].equals("HTTP/1.1") || parts[2].equals("HTTP/1.0"))) {
      return BAD_REQUEST;
    }
    if (!parts[0].equals("CONNECT")) {
      return METHOD_NOT_ALLOWED;
    }
    String authority = authority(parts[1]);
    return authority == null ? BAD_REQUEST : new Result(authority, 200);
  }

  /** An authority-form target, "host:port" or "[v6]:port", in lower case; else null. */
  static String authority(String target) {
    int colon = target.lastIndexOf(':');
    if (colon <= 0 || colon == target.length() - 1 || target.length() - colon - 1 > 5) {
      return null;
    }
    int port = 0;
    for (int i = colon + 1; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      port = port * 10 + (c - '0');
    }
    if (port < 1 || port > MAX_PORT) {
      return null;
    }
    String host = target.substring(0, colon);
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || host.length() < 4) {
        return null;
      }
      for (int i = 1; i < host.length() - 1; i++) {
        char c = host.charAt(i);
        if (!(isHexDigit(c) || c == ':' || c == '.')) {
          return null;
        }
      }
    } else {
      for (int i = 0; i < host.length(); i++) {
        char c = host.charAt(i);
        if (!(isAlphaNumeric(c) || c == '-' || c == '.' || c == '_')) {
          return null;
        }
      }
    }
    return target.toLowerCase(Locale.ROOT);
  }

  /** "name: value"; a line starting with whitespace (obs-fold) is not one. */
  private static boolean isHeaderLine(String line) {
    int colon = line.indexOf(':');
    return colon > 0 && isToken(line.substring(0, colon));
  }

  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(isAlphaNumeric(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphaNumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
}
