package dev.weir.cli;

import dev.weir.cli.change.WaitIncompleteException;
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

  /** --wait: the change was made, but did not take effect everywhere within --wait-timeout. */
  static final int NOT_DONE_IN_TIME = WaitIncompleteException.EXIT_CODE;

  /** The control plane did not accept the credentials, or their role may not do this. */
  static final int NOT_ALLOWED = 5;

  /**
   * The control plane could not find out whether its store took the change (etcd did not answer):
   * it may have been applied. Not 1 or 3, which say it was not.
   */
  static final int MAYBE_APPLIED = 6;

  /**
   * The control plane answered, but could not do it now: its store (the data dir or etcd) failed.
   * Nothing was changed; not 3, which says the control plane itself was out of reach.
   */
  static final int STORE_UNAVAILABLE = 7;

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
    codes.put(
        " " + NOT_DONE_IN_TIME,
        "--wait: the change was made, but not every connected proxy applied it (or the backend "
            + "did not finish draining) within --wait-timeout, or a proxy applied it without some "
            + "pool (its port is taken there); the message names what is left.");
    codes.put(
        " " + NOT_ALLOWED,
        "Not allowed: the control plane did not accept the credentials (certificate or token), "
            + "or their role may not do this (a viewer changing a pool).");
    codes.put(
        " " + MAYBE_APPLIED,
        "The change may have been applied: the control plane's store did not answer whether it "
            + "took it; check 'weirctl history' before retrying.");
    codes.put(
        " " + STORE_UNAVAILABLE,
        "The control plane answered but could not do it: its store (data dir or etcd) is "
            + "unavailable. Nothing was changed; retry once the store is back.");
    return Collections.unmodifiableMap(codes);
  }

  /** Adds the exit codes to a command's help. */
  static void document(CommandSpec command) {
    command.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(DESCRIPTIONS);
  }
}
