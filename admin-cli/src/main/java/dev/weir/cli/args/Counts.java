package dev.weir.cli.args;

/**
 * Parses the whole numbers of pool settings (counts, percentages, status codes). The API's fields
 * are unsigned 32-bit, so any value from 0 to 4294967295 is passed on and the server judges the
 * range; negative numbers and fractions are refused here because they cannot be sent at all.
 */
public final class Counts {

  private Counts() {}

  /** The number as the int that carries its unsigned value on the wire. */
  public static int parse(String text) {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number");
    }
    try {
      return Integer.parseUnsignedInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is too large");
    }
  }

  /** Formats a value {@link #parse} produced, or one the API sent. */
  public static String format(int value) {
    return Integer.toUnsignedString(value);
  }
}
