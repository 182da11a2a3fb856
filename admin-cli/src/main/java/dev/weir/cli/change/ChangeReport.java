package dev.weir.cli.change;

import com.google.protobuf.MessageOrBuilder;
import dev.weir.cli.session.Session;
import java.util.function.Supplier;

/**
 * How a mutating command reports its outcome. With {@code -o json}: the response message, as for
 * every command. As a table: the confirmation line and, indented under it, the diff the control
 * plane returned; for a dry run, what would change. Then, with {@code --wait}, until the fleet has
 * applied it.
 */
public final class ChangeReport {

  static final String INDENT = "  ";

  private final Session session;
  private final MutationFlags flags;

  public ChangeReport(Session session, MutationFlags flags) {
    this.session = session;
    this.flags = flags;
  }

  /**
   * @param configVersion the version the response names: the new one, or the current one for a dry
   *     run or a change that changed nothing
   * @param confirmation the line saying what was done, e.g. "pool web created (config version 3)"
   */
  public void print(
      MessageOrBuilder response,
      long configVersion,
      String diff,
      boolean dryRun,
      Supplier<String> confirmation) {
    session.output().print(response, () -> dryRun ? dryRun(diff) : done(confirmation.get(), diff));
    if (flags.waitRequested() && !dryRun) {
      new ApplyWait(session, session.output().format().forScripts())
          .await(configVersion, flags.waitTimeout());
    }
  }

  private static String dryRun(String diff) {
    if (diff.isEmpty()) {
      return "dry run: nothing was changed; it would change nothing";
    }
    return "dry run: nothing was changed; it would change:\n" + indented(diff);
  }

  private static String done(String confirmation, String diff) {
    return diff.isEmpty() ? confirmation : confirmation + "\n" + indented(diff);
  }

  static String indented(String diff) {
    StringBuilder text = new StringBuilder();
    diff.lines().forEach(line -> text.append(INDENT).append(line).append('\n'));
    return text.toString();
  }
}
