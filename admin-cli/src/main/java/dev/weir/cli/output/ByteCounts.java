package dev.weir.cli.output;

import java.util.Locale;

/** Byte counts for people: "512 B", "9.8 KiB", "1.2 GiB". */
public final class ByteCounts {

  private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private ByteCounts() {}

  /** {@code bytes} read as unsigned, as the API's uint64 counters are. */
  public static String format(long bytes) {
    if (bytes >= 0 && bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes >= 0 ? bytes : bytes + 0x1p64;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, UNITS[unit]);
  }
}
