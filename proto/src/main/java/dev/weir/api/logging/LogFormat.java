package dev.weir.api.logging;

/**
 * One format for the log lines of weir-control and weir-proxy (slf4j-simple, on stderr): {@code
 * 2026-12-07T20:18:55.123Z INFO Pools - message}, the time with its UTC offset, so lines of
 * different programs and hosts can be put side by side.
 */
public final class LogFormat {

  private LogFormat() {}

  /**
   * Sets the format unless {@code -D} flags (in {@code WEIR_JAVA_OPTS}) already did. slf4j-simple
   * reads its settings once, when the first logger is created, so a program calls this from a
   * static initializer placed before any logger field of its main class.
   */
  public static void useDefaults() {
    setDefault("org.slf4j.simpleLogger.showDateTime", "true");
    setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "true");
  }

  private static void setDefault(String property, String value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, value);
    }
  }
}
