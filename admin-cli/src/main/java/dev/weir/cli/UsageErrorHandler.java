package dev.weir.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports a usage error as one line with a pointer to the command's help, instead of picocli's full
 * usage text, which would bury the actual problem.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {

  private final PrintWriter err;

  UsageErrorHandler(PrintWriter err) {
    this.err = err;
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    StringBuilder line =
        new StringBuilder("error: ").append(FailureHandler.oneLine(e.getMessage()));
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ")
          .append(String.join(" or ", unmatched.getSuggestions()))
          .append("?)");
    }
    line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
    err.println(line);
    err.flush();
    return ExitCodes.USAGE;
  }
}
