package dev.weir.cli.change;

import picocli.CommandLine.IExitCodeGenerator;

/**
 * A change was made, but what {@code --wait} waited for did not happen in time: some proxy has not
 * applied it, or a draining backend still has connections. The message names what is left.
 */
public final class WaitIncompleteException extends RuntimeException implements IExitCodeGenerator {

  /** The exit code weirctl ends with; documented in every command's help. */
  public static final int EXIT_CODE = 4;

  public WaitIncompleteException(String message) {
    super(message);
  }

  @Override
  public int getExitCode() {
    return EXIT_CODE;
  }
}
