package dev.weir.cli.config;

/**
 * An export file that cannot be written, or an import file that cannot be read or is not a
 * configuration. Its message names the file; weirctl prints it as the error line and exits 1.
 */
final class ConfigFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConfigFileException(String message) {
    super(message);
  }
}
