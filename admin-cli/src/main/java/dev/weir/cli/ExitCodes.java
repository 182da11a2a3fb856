package dev.weir.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** weirctl's exit codes; scripts rely on them, so they only ever gain new values. */
final class ExitCodes {

  static final int SUCCESS = 0;

  /** The control plane answered and refused the request, or the command failed otherwise. */
  static final int REFUSED = 1;

  static final int USAGE = 2;

  /** No answer: the control plane could not be reached or did not answer within --timeout. */
  static final int UNREACHABLE = 3;

  private static final Map<String, String> DESCRIPTIONS = descriptions();

  private ExitCodes() {}

  private static Map<String, String> descriptions() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(" " + SUCCESS, "Success.");
    codes.put(
        " " + REFUSED,
        "The control plane refused the request (invalid argument, not found, already exists, "
            + "failed precondition, ...).");
    codes.put(" " + USAGE, "Usage error: unknown command or option, missing or malformed value.");
    codes.put(
        " " + UNREACHABLE,
        "The control plane could not be reached or did not answer within --timeout.");
    return Collections.unmodifiableMap(codes);
  }

  /** Adds the exit codes to a command's help. */
  static void document(CommandSpec command) {
    command.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(DESCRIPTIONS);
  }
}
