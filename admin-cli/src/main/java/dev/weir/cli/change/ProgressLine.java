package dev.weir.cli.change;

import dev.weir.cli.output.TerminalText;
import dev.weir.cli.session.Session;
import java.io.PrintWriter;

/**
 * Progress of a wait. On a terminal, one line that each update rewrites; for a script, only lines
 * meant to stay, so a log reads the same whatever the timing.
 */
public final class ProgressLine {

  // Carriage return, then erase to the end of the line.
  private static final String REWRITE = "\r\033[K";

  private final PrintWriter out;
  private final boolean interactive;
  private final boolean quiet;
  private boolean showing;

  private ProgressLine(PrintWriter out, boolean interactive, boolean quiet) {
    this.out = out;
    this.interactive = interactive;
    this.quiet = quiet;
  }

  /**
   * Progress for {@code session}'s console; with {@code -o json} ({@code quiet}) none at all, so
   * stdout holds only the response.
   */
  public static ProgressLine of(Session session, boolean quiet) {
    return new ProgressLine(session.out(), session.console().interactive(), quiet);
  }

  /** Whether passing states are shown: a terminal, and not {@code -o json}. */
  public boolean interactive() {
    return interactive && !quiet;
  }

  /** A passing state: shown on a terminal only, in place of the previous one. */
  public void update(String text) {
    if (interactive && !quiet) {
      out.print(REWRITE + TerminalText.escape(text));
      out.flush();
      showing = true;
    }
  }

  /** A step worth a line of its own in a script's log; on a terminal, an update. */
  public void step(String text) {
    if (quiet) {
      return;
    }
    if (interactive) {
      update(text);
    } else {
      out.println(TerminalText.escape(text));
      out.flush();
    }
  }

  /** The outcome, printed as a line everywhere. */
  public void finish(String text) {
    clear();
    if (quiet) {
      return;
    }
    out.println(TerminalText.escape(text));
    out.flush();
  }

  /** Removes a passing state from the terminal, e.g. before an error is reported. */
  public void clear() {
    if (showing) {
      out.print(REWRITE);
      out.flush();
      showing = false;
    }
  }
}
