package dev.weir.cli.output;

import com.google.protobuf.MessageOrBuilder;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * Prints a command's result. In {@code json} and {@code yaml} format it is always the response
 * message itself (as {@link ApiJson} prints it), so scripts get the same fields the API has; the
 * human-readable text is only built for {@code table}, and printed with control characters escaped.
 */
public final class Output {

  private final OutputFormat format;
  private final PrintWriter out;

  public Output(OutputFormat format, PrintWriter out) {
    this.format = format;
    this.out = out;
  }

  public OutputFormat format() {
    return format;
  }

  /** Prints {@code response} as JSON or YAML, or the text {@code humanReadable} builds. */
  public void print(MessageOrBuilder response, Supplier<String> humanReadable) {
    String text =
        switch (format) {
          case JSON -> json(response);
          case YAML -> Yaml.fromJson(json(response));
          case TABLE -> TerminalText.escapeKeepingLines(humanReadable.get());
        };
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }

  private static String json(MessageOrBuilder message) {
    return ApiJson.pretty(message);
  }
}
