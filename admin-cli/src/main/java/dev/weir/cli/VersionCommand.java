package dev.weir.cli;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;

/**
 * {@code weirctl version}. The API has no version call yet, so this reports the client only and
 * does not contact the control plane.
 */
@Command(
    name = "version",
    description = "Prints weirctl's version.",
    mixinStandardHelpOptions = true,
    footer = {"%nExamples:", "  weirctl version", "  weirctl version -o json"})
final class VersionCommand implements Runnable {

  private final Session session;

  VersionCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    String version = WeirctlVersion.current();
    // A Struct so that -o json goes through the same printer as every other command.
    Struct json =
        Struct.newBuilder()
            .putFields("clientVersion", Value.newBuilder().setStringValue(version).build())
            .build();
    session.output().print(json, () -> "weirctl " + version);
  }
}
