package dev.weir.cli.history;

import dev.weir.api.v1.DiffRevisionsRequest;
import dev.weir.api.v1.DiffRevisionsResponse;
import dev.weir.cli.session.Session;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weirctl diff}: the DiffRevisions call. */
@Command(
    name = "diff",
    description = {
      "Shows what changed from one revision's configuration to another's (or to the current "
          + "one), one line per change: + added, - removed, ~ changed (old -> new).",
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl diff 41           # from config version 41 to now",
      "  weirctl diff 41 42        # what revision 42 changed",
      "  weirctl diff 42 41        # what rolling 42 back to 41 would change"
    })
public final class DiffCommand implements Runnable {

  private final Session session;

  @Parameters(
      index = "0",
      paramLabel = "FROM",
      converter = VersionConverter.class,
      description = "The config version to compare from.")
  private long from;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TO",
      converter = VersionConverter.class,
      description = "The config version to compare to (default: the current one).")
  private Long to;

  DiffCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    DiffRevisionsRequest.Builder request = DiffRevisionsRequest.newBuilder().setFromVersion(from);
    if (to != null) {
      request.setToVersion(to);
    }
    DiffRevisionsResponse response = session.admin().diffRevisions(request.build());
    session.output().print(response, () -> text(response.getDiff()));
  }

  private String text(String diff) {
    if (!diff.isEmpty()) {
      return diff;
    }
    return "no differences between config version "
        + from
        + " and "
        + (to == null ? "the current one" : "config version " + to);
  }
}
