package dev.weir.cli.output;

/** Latencies as people read them: "850us", "1.2ms", "35ms", "1.5s". */
public final class Latencies {

  private Latencies() {}

  /** Formats microseconds with two or three significant digits; "" for 0 (no data). */
  public static String format(long micros) {
    if (micros <= 0) {
      return "";
    }
    if (micros < 1_000) {
      return micros + "us";
    }
    long tenthsOfMillis = (micros + 50) / 100;
    if (tenthsOfMillis < 100) {
      return decimal(tenthsOfMillis) + "ms";
    }
    long millis = (micros + 500) / 1_000;
    if (millis < 1_000) {
      return millis + "ms";
    }
    long tenthsOfSeconds = (micros + 50_000) / 100_000;
    if (tenthsOfSeconds < 100) {
      return decimal(tenthsOfSeconds) + "s";
    }
    return (micros + 500_000) / 1_000_000 + "s";
  }

  // 12 tenths is "1.2", 10 tenths is "1".
  private static String decimal(long tenths) {
    return tenths % 10 == 0 ? Long.toString(tenths / 10) : tenths / 10 + "." + tenths % 10;
  }
}
