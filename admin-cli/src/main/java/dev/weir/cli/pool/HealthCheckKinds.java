package dev.weir.cli.pool;

import dev.weir.api.v1.HealthCheck;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The CLI's names for health check kinds. {@code none} is not a kind in the API, where a pool
 * without active checks simply has no health_check; it converts to KIND_UNSPECIFIED and {@link
 * HealthCheckOptions} turns that into clearing the field.
 */
final class HealthCheckKinds {

  private static final List<String> NAMES = List.of("tcp", "http", "none");

  private HealthCheckKinds() {}

  /** "tcp" or "http"; "-" when unset, "unknown" for a kind newer than this CLI. */
  static String name(HealthCheck.Kind kind) {
    return switch (kind) {
      case TCP -> "tcp";
      case HTTP -> "http";
      case KIND_UNSPECIFIED -> "-";
      default -> "unknown";
    };
  }

  /** Converts a {@code --health-check} value. */
  static final class Converter implements ITypeConverter<HealthCheck.Kind> {
    @Override
    public HealthCheck.Kind convert(String value) {
      return switch (value) {
        case "tcp" -> HealthCheck.Kind.TCP;
        case "http" -> HealthCheck.Kind.HTTP;
        case "none" -> HealthCheck.Kind.KIND_UNSPECIFIED;
        default ->
            throw new TypeConversionException(
                "'" + value + "' is not one of " + String.join(", ", NAMES));
      };
    }
  }

  /** The names, for {@code ${COMPLETION-CANDIDATES}} in help. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return NAMES.iterator();
    }
  }
}
