package dev.weir.cli.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Columns aligned with spaces under an upper-case header, as kubectl prints them. Empty cells are
 * shown as "-" so every row has the same number of words for awk and friends.
 */
public final class Table {

  private static final String GAP = "   ";
  private static final String EMPTY = "-";

  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  /** Starts a table; each header is upper-cased. */
  public Table(String... headers) {
    this.columns = headers.length;
    rows.add(Arrays.stream(headers).map(String::toUpperCase).toArray(String[]::new));
  }

  /** Adds a row; {@code null} and empty cells print as "-". */
  public Table row(Object... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, table has " + columns + " columns");
    }
    String[] row = new String[columns];
    for (int i = 0; i < columns; i++) {
      String text = cells[i] == null ? "" : TerminalText.escape(cells[i].toString());
      row[i] = text.isEmpty() ? EMPTY : text;
    }
    rows.add(row);
    return this;
  }

  /** The table as lines ending in a newline, with no trailing spaces. */
  public String render() {
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        out.append(row[i]);
        if (i < columns - 1) {
          out.append(" ".repeat(widths[i] - row[i].length())).append(GAP);
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
