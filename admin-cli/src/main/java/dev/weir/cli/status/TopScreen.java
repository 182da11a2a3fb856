package dev.weir.cli.status;

import dev.weir.api.wire.DurationText;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One frame of {@code weirctl top} as plain text: a title line, then what {@code status} prints,
 * cut to the terminal's size so the frame never scrolls the screen it redraws.
 */
final class TopScreen {

  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private TopScreen() {}

  /**
   * The frame for {@code fleet} read at {@code now}, in at most {@code rows} lines of at most
   * {@code columns} characters; a last line says how many lines did not fit.
   */
  static String render(FleetStatus fleet, Instant now, Duration interval, int columns, int rows) {
    String title =
        "weirctl top: "
            + CLOCK.format(now)
            + " UTC, redrawn on every fleet event and every "
            + DurationText.format(interval)
            + "; q quits";
    List<String> lines = (title + "\n\n" + StatusView.render(fleet, now)).lines().toList();
    StringBuilder frame = new StringBuilder();
    int shown = lines.size() <= rows ? lines.size() : Math.max(0, rows - 1);
    for (int i = 0; i < shown; i++) {
      frame.append(cut(lines.get(i), columns)).append('\n');
    }
    if (shown < lines.size()) {
      frame
          .append(
              cut(
                  "... "
                      + (lines.size() - shown)
                      + " more lines: enlarge the terminal, or "
                      + "use weirctl status",
                  columns))
          .append('\n');
    }
    return frame.toString();
  }

  private static String cut(String line, int columns) {
    return line.length() <= columns ? line : line.substring(0, Math.max(0, columns));
  }
}
