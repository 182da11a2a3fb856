package dev.weir.cli.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * weirctl's settings file, so the control plane and credentials need not be given on every command:
 * {@code $WEIR_CONFIG}, else {@code $XDG_CONFIG_HOME/weir/weirctl.conf}, else {@code
 * ~/.config/weir/weirctl.conf}. Lines are {@code key = value}; {@code #} starts a comment. A flag
 * wins over the environment, and the environment over this file.
 *
 * <p>It holds what the environment variables hold, and nothing secret itself: a token lives in the
 * file {@code token-file} names. Relative paths are relative to this file's directory.
 */
final class SettingsFile {

  static final String PATH_VARIABLE = "WEIR_CONFIG";

  /** Each key and the environment variable it stands in for. */
  private static final Map<String, String> KEYS =
      Map.of(
          "control-plane", GlobalOptions.ADDRESS_VARIABLE,
          "tls-ca", GlobalOptions.CA_VARIABLE,
          "tls-cert", GlobalOptions.CERT_VARIABLE,
          "tls-key", GlobalOptions.KEY_VARIABLE,
          "token-file", GlobalOptions.TOKEN_FILE_VARIABLE);

  private static final List<String> KEY_ORDER =
      List.of("control-plane", "tls-ca", "tls-cert", "tls-key", "token-file");
  private static final List<String> PATH_KEYS =
      List.of("tls-ca", "tls-cert", "tls-key", "token-file");

  static final SettingsFile NONE = new SettingsFile(null, Map.of());

  /**
   * A value and where it came from, for messages: e.g. {@code "$WEIR_TLS_CA"} or {@code
   * "/home/ana/.config/weir/weirctl.conf (tls-ca)"}.
   *
   * @param fromSettingsFile whether this file gave it, rather than a flag or the environment
   */
  record Setting(String value, String source, boolean fromSettingsFile) {}

  private final Path file;
  // Keyed by the environment variable each key stands in for.
  private final Map<String, String> values;

  private SettingsFile(Path file, Map<String, String> values) {
    this.file = file;
    this.values = values;
  }

  /**
   * Finds and reads the file; none is fine unless {@code $WEIR_CONFIG} names one.
   *
   * @throws IllegalArgumentException naming the file, line and problem
   */
  static SettingsFile load(UnaryOperator<String> environment) {
    String named = environment.apply(PATH_VARIABLE);
    Path file;
    if (named != null && !named.isBlank()) {
      file = Path.of(expandHome(named.strip(), environment));
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "$" + PATH_VARIABLE + " names " + file + ", which is not a readable file");
      }
    } else {
      file = defaultLocation(environment);
      if (file == null || !Files.isRegularFile(file)) {
        return NONE;
      }
    }
    try {
      return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8), environment);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static SettingsFile parse(Path file, List<String> lines, UnaryOperator<String> environment) {
    Map<String, String> values = new LinkedHashMap<>();
    Path directory = file.toAbsolutePath().getParent();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (text.isEmpty()) {
        continue;
      }
      String where = file + " line " + (i + 1) + ": ";
      int equals = text.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException(where + "expected key = value, got \"" + text + "\"");
      }
      String key = text.substring(0, equals).strip();
      String value = text.substring(equals + 1).strip();
      String variable = KEYS.get(key);
      if (variable == null) {
        throw new IllegalArgumentException(
            where
                + "unknown setting \""
                + key
                + "\"; the "
                + "settings are "
                + String.join(", ", KEY_ORDER));
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException(where + key + " has no value");
      }
      if (values.containsKey(variable)) {
        throw new IllegalArgumentException(where + key + " is set twice");
      }
      if (PATH_KEYS.contains(key)) {
        value = directory.resolve(expandHome(value, environment)).normalize().toString();
      }
      values.put(variable, value);
    }
    return new SettingsFile(file, Map.copyOf(values));
  }

  /** The file's value for what {@code variable} would hold; null if it sets none. */
  Setting get(String variable) {
    String value = values.get(variable);
    if (value == null) {
      return null;
    }
    String key =
        KEYS.entrySet().stream()
            .filter(e -> e.getValue().equals(variable))
            .findFirst()
            .orElseThrow()
            .getKey();
    return new Setting(value, file + " (" + key + ")", true);
  }

  private static Path defaultLocation(UnaryOperator<String> environment) {
    String xdg = environment.apply("XDG_CONFIG_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg.strip(), "weir", "weirctl.conf");
    }
    String home = environment.apply("HOME");
    if (home != null && !home.isBlank()) {
      return Path.of(home.strip(), ".config", "weir", "weirctl.conf");
    }
    return null;
  }

  private static String expandHome(String path, UnaryOperator<String> environment) {
    String home = environment.apply("HOME");
    if (home != null && (path.equals("~") || path.startsWith("~/"))) {
      return home + path.substring(1);
    }
    return path;
  }
}
