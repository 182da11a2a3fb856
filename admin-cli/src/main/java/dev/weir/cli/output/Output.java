package dev.weir.cli.output;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * Prints a command's result. In {@code json} and {@code yaml} format it is always the response
 * message itself, so scripts get the same fields the API has; the human-readable text is only
 * built for {@code table}.
 */
public final class Output {

  // Default values are included so a key is never missing just because its value is 0, false or
  // empty. Unset message fields (such as a Timestamp that was never set) are still left out.
  private static final JsonFormat.Printer JSON = JsonFormat.printer().includingDefaultValueFields();

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
    String text = switch (format) {
      case JSON -> json(response);
      case YAML -> Yaml.fromJson(json(response));
      case TABLE -> humanReadable.get();
    };
    out.print(text.endsWith("\n") ? text : text + "\n");
    out.flush();
  }

  private static String json(MessageOrBuilder message) {
    try {
      return JSON.print(message);
    } catch (InvalidProtocolBufferException e) {
      // Only Any fields with unknown types fail, and the v1 API has none.
      throw new UncheckedIOException(e);
    }
  }
}
