package dev.weir.cli.pool;

import dev.weir.api.v1.Algorithm;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The CLI's names for balancing algorithms: {@code round-robin} for ROUND_ROBIN and so on. */
final class Algorithms {

  // One table for both directions, in the order help and error messages list the names.
  private static final Map<String, Algorithm> BY_NAME = byName();

  private Algorithms() {}

  private static Map<String, Algorithm> byName() {
    Map<String, Algorithm> names = new LinkedHashMap<>();
    names.put("round-robin", Algorithm.ROUND_ROBIN);
    names.put("weighted-round-robin", Algorithm.WEIGHTED_ROUND_ROBIN);
    names.put("least-connections", Algorithm.LEAST_CONNECTIONS);
    names.put("p2c", Algorithm.P2C);
    names.put("maglev", Algorithm.MAGLEV);
    return Collections.unmodifiableMap(names);
  }

  /** The CLI name of an algorithm; "-" when unset, "unknown" for one newer than this CLI. */
  static String name(Algorithm algorithm) {
    if (algorithm == Algorithm.ALGORITHM_UNSPECIFIED) {
      return "-";
    }
    return BY_NAME.entrySet().stream()
        .filter(entry -> entry.getValue() == algorithm)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse("unknown");
  }

  /** Converts an {@code --algorithm} value. */
  static final class Converter implements ITypeConverter<Algorithm> {
    @Override
    public Algorithm convert(String value) {
      Algorithm algorithm = BY_NAME.get(value);
      if (algorithm == null) {
        throw new TypeConversionException(
            "'" + value + "' is not one of " + String.join(", ", BY_NAME.keySet()));
      }
      return algorithm;
    }
  }

  /** The names, for {@code ${COMPLETION-CANDIDATES}} in help. */
  static final class Names implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return BY_NAME.keySet().iterator();
    }
  }
}
