package dev.weir.cli.args;

/**
 * Parses a backend weight. Only the form is checked here; the allowed range is the server's rule,
 * so its message (which names the range) reaches the operator unchanged.
 */
public final class Weights {

  private Weights() {}

  /** Returns the weight, or throws {@link IllegalArgumentException} naming what is wrong. */
  public static int parse(String text) {
    int weight;
    try {
      weight = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("weight must be a whole number, got '" + text + "'");
    }
    // The field is unsigned on the wire: a negative int would arrive as a huge weight.
    if (weight < 0) {
      throw new IllegalArgumentException("weight must not be negative, got '" + text + "'");
    }
    return weight;
  }
}
