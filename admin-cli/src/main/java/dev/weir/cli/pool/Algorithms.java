package dev.weir.cli.pool;

import dev.weir.api.v1.Algorithm;
import java.util.Iterator;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The CLI's names for balancing algorithms: {@code round-robin} for ROUND_ROBIN and so on. */
final class Algorithms {

  private static final List<String> NAMES = List.of("round-robin", "weighted-round-robin");

  private Algorithms() {}

  /** The CLI name of an algorithm; "-" when unset, "unknown" for one newer than this CLI. */
  static String name(Algorithm algorithm) {
    return switch (algorithm) {
      case ROUND_ROBIN -> "round-robin";
      case WEIGHTED_ROUND_ROBIN -> "weighted-round-robin";
      case ALGORITHM_UNSPECIFIED -> "-";
      default -> "unknown";
    };
  }

  /** Converts an {@code --algorithm} value. */
  static final class Converter implements ITypeConverter<Algorithm> {
    @Override
    public Algorithm convert(String value) {
      return switch (value) {
        case "round-robin" -> Algorithm.ROUND_ROBIN;
        case "weighted-round-robin" -> Algorithm.WEIGHTED_ROUND_ROBIN;
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
