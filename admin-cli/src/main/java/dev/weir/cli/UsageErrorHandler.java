package dev.weir.cli;

import dev.weir.cli.output.TerminalText;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.Model.OptionSpec;
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
        new StringBuilder("error: ").append(FailureHandler.oneLine(message(e, args)));
    if (e instanceof UnmatchedArgumentException unmatched
        && !unmatched.getSuggestions().isEmpty()) {
      line.append(" (did you mean ")
          .append(String.join(" or ", unmatched.getSuggestions()))
          .append("?)");
    }
    line.append("; see '").append(command.getCommandSpec().qualifiedName()).append(" --help'");
    err.println(TerminalText.escape(line.toString()));
    err.flush();
    return ExitCodes.USAGE;
  }

  // picocli reports a flag given twice inside an option group as "expected only one match but
  // got" followed by the whole group, twice; name the flag instead, as picocli does elsewhere.
  private static String message(ParameterException e, String[] args) {
    if (e instanceof MaxValuesExceededException && e.getMessage().contains("only one match")) {
      String repeated = repeatedOption(e.getCommandLine(), args);
      if (repeated != null) {
        return "option '" + repeated + "' should be specified only once";
      }
    }
    return e.getMessage();
  }

  private static String repeatedOption(CommandLine command, String[] args) {
    Set<String> seen = new HashSet<>();
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        continue;
      }
      OptionSpec option = command.getCommandSpec().findOption(arg.split("=", 2)[0]);
      if (option != null && !option.isMultiValue() && !seen.add(option.longestName())) {
        return option.longestName();
      }
    }
    return null;
  }
}
