package dev.weir.cli.history;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.ListRevisionsResponse;
import dev.weir.api.v1.Revision;
import dev.weir.cli.args.CountConverter;
import dev.weir.cli.output.Table;
import dev.weir.cli.session.Session;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weirctl history}: the ListRevisions call. */
@Command(
    name = "history",
    description = {
      "Lists revisions, newest first: every accepted change with its config version, when it was "
          + "made (UTC), by whom, through which operation, and the first line of what it changed.",
      "ACTOR is who the caller said they were (weirctl sends $USER@hostname) and the address the "
          + "call came from; callers are not authenticated."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  weirctl history",
      "  weirctl history --limit 5",
      "  weirctl history --before 120        # the page after one ending at 120",
      "  weirctl -o json history             # with every diff line"
    })
public final class HistoryCommand implements Runnable {

  static final int SUMMARY_WIDTH = 80;

  private final Session session;

  @Option(
      names = "--limit",
      paramLabel = "N",
      converter = CountConverter.class,
      description = "Show at most N revisions (default: the control plane's, 50; at most 1000).")
  private Integer limit;

  @Option(
      names = "--before",
      paramLabel = "VERSION",
      converter = VersionConverter.class,
      description = "Only revisions older than VERSION.")
  private Long before;

  HistoryCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    ListRevisionsRequest.Builder request = ListRevisionsRequest.newBuilder();
    if (limit != null) {
      request.setLimit(limit);
    }
    if (before != null) {
      request.setBeforeVersion(before);
    }
    ListRevisionsResponse response = session.admin().listRevisions(request.build());
    session.output().print(response, () -> table(response.getRevisionsList()));
  }

  private static String table(List<Revision> revisions) {
    if (revisions.isEmpty()) {
      return "No revisions.";
    }
    Table table = new Table("VERSION", "TIME", "ACTOR", "OPERATION", "SUMMARY");
    for (Revision revision : revisions) {
      table.row(
          revision.getVersion(),
          time(revision.getTime()),
          revision.getActor(),
          revision.getOperation(),
          summary(revision.getDiff()));
    }
    return table.render();
  }

  static String time(Timestamp time) {
    return Instant.ofEpochSecond(time.getSeconds()).toString();
  }

  /** The first line of the diff, with how many more there are. */
  static String summary(String diff) {
    List<String> lines = diff.lines().toList();
    if (lines.isEmpty()) {
      return "";
    }
    String first = lines.get(0);
    String more = lines.size() > 1 ? " (+" + (lines.size() - 1) + " more)" : "";
    if (first.length() + more.length() > SUMMARY_WIDTH) {
      first = first.substring(0, Math.max(0, SUMMARY_WIDTH - more.length() - 3)) + "...";
    }
    return first + more;
  }
}
