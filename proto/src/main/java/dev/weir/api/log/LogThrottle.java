package dev.weir.api.log;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides which lines of a repeated failure get logged: the first of each cause, then at most one
 * per interval, which says how many like it were left out since. A peer that fails the same way on
 * every connection (garbage bytes, a flood that runs the process out of file descriptors) then
 * costs the log a line per cause and interval, not a line per connection.
 *
 * <p>Causes are short fixed strings (an exception's class, say), never text a peer chose, so their
 * number stays small; past {@value #MAX_CAUSES} the oldest counts are forgotten.
 */
public final class LogThrottle {

  /** Enough for every kind of failure a server meets; a guard against an unbounded key. */
  static final int MAX_CAUSES = 64;

  /** What {@link #admit} answers for a line to leave out. */
  public static final long SUPPRESS = -1;

  private final long intervalNanos;
  private final LongSupplier nanoTime;

  @GuardedBy("this")
  private final Map<String, Window> windows = new HashMap<>();

  /**
   * @param nanoTime {@link System#nanoTime}, or a fake one in tests
   */
  public LogThrottle(Duration interval, LongSupplier nanoTime) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, got " + interval);
    }
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Whether to log a line for {@code cause} now: {@link #SUPPRESS}, or how many lines for it were
   * left out since the last one logged (0 for none), for the line to say.
   */
  public synchronized long admit(String cause) {
    long now = nanoTime.getAsLong();
    Window window = windows.get(cause);
    if (window == null) {
      if (windows.size() >= MAX_CAUSES) {
        windows.clear();
      }
      windows.put(cause, new Window(now));
      return 0;
    }
    if (now - window.lastLogged < intervalNanos) {
      window.suppressed++;
      return SUPPRESS;
    }
    long suppressed = window.suppressed;
    window.suppressed = 0;
    window.lastLogged = now;
    return suppressed;
  }

  /** The words a logged line ends with for {@code suppressed} lines left out: "" for none. */
  public static String suppressedNote(long suppressed) {
    return suppressed <= 0 ? "" : " (" + suppressed + " more like it not logged since the last)";
  }

  private static final class Window {
    long lastLogged;
    long suppressed;

    Window(long lastLogged) {
      this.lastLogged = lastLogged;
    }
  }
}
