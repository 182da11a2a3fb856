package dev.weir.cli.args;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes buffer sizes as operators type them: {@code 1048576}, {@code 64k}, {@code 1m}.
 * The suffixes are binary (k is 1024 bytes), as the API documents its sizes in KiB and MiB.
 */
public final class ByteSizes {

  private static final Pattern FORM = Pattern.compile("(\\d{1,18})([kmg]?)");
  private static final long KIB = 1024;
  private static final long MAX = 0xFFFF_FFFFL;

  private ByteSizes() {}

  /** The size in bytes, as the int that carries its unsigned 32-bit value on the wire. */
  public static int parse(String text) {
    Matcher m = FORM.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size: write bytes, or a number followed by k, m or g, e.g. 64k");
    }
    long unit =
        switch (m.group(2)) {
          case "k" -> KIB;
          case "m" -> KIB * KIB;
          case "g" -> KIB * KIB * KIB;
          default -> 1;
        };
    long number = Long.parseLong(m.group(1));
    if (number > MAX / unit) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
    return (int) (number * unit);
  }

  /** Formats with the largest suffix that divides it exactly, so {@code parse(format(n))} is n. */
  public static String format(int size) {
    long bytes = Integer.toUnsignedLong(size);
    if (bytes != 0 && bytes % (KIB * KIB * KIB) == 0) {
      return bytes / (KIB * KIB * KIB) + "g";
    }
    if (bytes != 0 && bytes % (KIB * KIB) == 0) {
      return bytes / (KIB * KIB) + "m";
    }
    if (bytes != 0 && bytes % KIB == 0) {
      return bytes / KIB + "k";
    }
    return Long.toString(bytes);
  }
}
