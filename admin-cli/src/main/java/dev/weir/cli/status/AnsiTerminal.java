package dev.weir.cli.status;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The terminal while {@code top} runs: the alternate screen (so the shell's screen comes back
 * untouched), no cursor, and keys read one at a time without echo. Restored by {@link #close()},
 * and by a shutdown hook when Ctrl-C ends the JVM instead.
 *
 * <p>Key-at-a-time input uses {@code stty} on {@code /dev/tty} rather than a terminal library:
 * weirctl needs nothing else from one. Without {@code stty} (not a Unix terminal), keys still
 * arrive, a line at a time: q then Enter quits, and Ctrl-C always does.
 */
final class AnsiTerminal implements AutoCloseable {

  private static final String ESC = "\033[";
  private static final String ALTERNATE_SCREEN = ESC + "?1049h";
  private static final String MAIN_SCREEN = ESC + "?1049l";
  private static final String HIDE_CURSOR = ESC + "?25l";
  private static final String SHOW_CURSOR = ESC + "?25h";
  private static final String HOME = ESC + "H";
  private static final String CLEAR_TO_LINE_END = ESC + "K";
  private static final String CLEAR_TO_SCREEN_END = ESC + "J";
  private static final int DEFAULT_ROWS = 24;
  private static final int DEFAULT_COLUMNS = 80;
  private static final long STTY_TIMEOUT_SECONDS = 2;

  private final PrintWriter out;
  private final String savedMode;
  private final AtomicBoolean restored = new AtomicBoolean();
  private final Thread restoreOnExit = new Thread(this::restore, "weirctl-top-restore");

  private AnsiTerminal(PrintWriter out, String savedMode) {
    this.out = out;
    this.savedMode = savedMode;
  }

  /**
   * Switches to the alternate screen and, if {@code setMode}, to key-at-a-time input; without it
   * the terminal's mode and size are left alone (a test's output is no terminal to set).
   */
  static AnsiTerminal enter(PrintWriter out, boolean setMode) {
    String saved = setMode ? stty("-g") : null;
    if (saved != null) {
      stty("-icanon", "-echo", "min", "1");
    }
    AnsiTerminal terminal = new AnsiTerminal(out, saved);
    Runtime.getRuntime().addShutdownHook(terminal.restoreOnExit);
    out.print(ALTERNATE_SCREEN + HIDE_CURSOR);
    out.flush();
    return terminal;
  }

  /** Replaces the screen's content with {@code frame}, in place, without clearing first. */
  void draw(String frame) {
    StringBuilder screen = new StringBuilder(HOME);
    frame.lines().forEach(line -> screen.append(line).append(CLEAR_TO_LINE_END).append('\n'));
    screen.append(CLEAR_TO_SCREEN_END);
    out.print(screen);
    out.flush();
  }

  /** Rows and columns, from {@code stty size}; 24 by 80 when it cannot tell. */
  int[] size() {
    String size = savedMode != null ? stty("size") : null;
    if (size != null) {
      String[] parts = size.trim().split("\\s+");
      try {
        int rows = Integer.parseInt(parts[0]);
        int columns = Integer.parseInt(parts[1]);
        if (rows > 0 && columns > 0) {
          return new int[] {rows, columns};
        }
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        // Not a size: use the default.
      }
    }
    return new int[] {DEFAULT_ROWS, DEFAULT_COLUMNS};
  }

  @Override
  public void close() {
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restoreOnExit);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook restores (again, harmlessly).
    }
  }

  private void restore() {
    if (!restored.compareAndSet(false, true)) {
      return;
    }
    out.print(SHOW_CURSOR + MAIN_SCREEN);
    out.flush();
    if (savedMode != null) {
      stty(savedMode);
    }
  }

  // Runs stty on the controlling terminal; its output, or null when it cannot.
  private static String stty(String... arguments) {
    File tty = new File("/dev/tty");
    if (!tty.exists()) {
      return null;
    }
    String[] command = new String[arguments.length + 1];
    command[0] = "stty";
    System.arraycopy(arguments, 0, command, 1, arguments.length);
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(tty))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(STTY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return null;
      }
      return process.exitValue() == 0 ? output.trim() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
