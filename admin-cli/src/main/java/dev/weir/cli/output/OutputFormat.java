package dev.weir.cli.output;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The {@code -o} formats. */
public enum OutputFormat {
  /** Aligned columns or one confirmation line, for people; may change between releases. */
  TABLE,
  /** The response message as proto3 JSON; the stable interface for scripts. */
  JSON,
  /** The same as {@link #JSON}, written as YAML. */
  YAML;

  /** Whether this prints the response message itself, for scripts, rather than text for people. */
  public boolean forScripts() {
    return this != TABLE;
  }

  /** The name typed on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Converts {@code table} or {@code json}. */
  public static final class Converter implements ITypeConverter<OutputFormat> {
    @Override
    public OutputFormat convert(String value) {
      for (OutputFormat format : values()) {
        if (format.cliName().equals(value)) {
          return format;
        }
      }
      throw new TypeConversionException(
          "'" + value + "' is not one of " + String.join(", ", new Names()));
    }
  }

  /** The names for help texts and error messages. */
  public static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(values())
          .map(OutputFormat::cliName)
          .collect(Collectors.toList())
          .iterator();
    }
  }
}
