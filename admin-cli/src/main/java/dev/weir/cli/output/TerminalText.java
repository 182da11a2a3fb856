package dev.weir.cli.output;

/**
 * Text from elsewhere (a pool name, a proxy's NACK reason, a value from a file) made safe to print
 * on a terminal: control and format characters are written as escapes ({@code \x1b}, {@code
 * \u202e}), so a hostile name cannot move the cursor, ring the bell, rewrite the title or reorder
 * what a person reads. Everything weirctl prints for people goes through here.
 */
public final class TerminalText {

  private TerminalText() {}

  /** {@code text} with every control character escaped, line breaks and tabs included. */
  public static String escape(String text) {
    return escape(text, false);
  }

  /** {@code text} with every control character escaped except line feeds and tabs. */
  public static String escapeKeepingLines(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean keepLines) {
    if (text.codePoints().allMatch(c -> safe(c, keepLines))) {
      return text;
    }
    StringBuilder escaped = new StringBuilder(text.length() + 16);
    text.codePoints()
        .forEach(
            c -> {
              if (safe(c, keepLines)) {
                escaped.appendCodePoint(c);
              } else if (c < 0x100) {
                escaped.append(String.format("\\x%02x", c));
              } else if (c < 0x10000) {
                escaped.append(String.format("\\u%04x", c));
              } else {
                escaped.append(String.format("\\U%08x", c));
              }
            });
    return escaped.toString();
  }

  private static boolean safe(int c, boolean keepLines) {
    if (c == '\n' || c == '\t') {
      return keepLines;
    }
    return switch (Character.getType(c)) {
      // C0 and C1 controls (ESC, BEL, CR, CSI ...), bidi overrides and other invisible
      // formatting, and the separators some terminals treat as line breaks.
      case Character.CONTROL,
          Character.FORMAT,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR,
          Character.SURROGATE ->
          false;
      default -> true;
    };
  }
}
