package dev.weir.cli.completion;

import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.cli.session.Session;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weirctl __complete -- WORDS... CURRENT}: what the completion script offers for the word
 * under the cursor (the last argument, "" for a new word) when only the control plane knows it, one
 * candidate per line. Hidden: the script runs it at TAB time. It prints nothing and exits 0 on any
 * failure, since a shell completing a word has nowhere to show an error.
 */
@Command(name = "__complete", hidden = true)
public final class CandidatesCommand implements Runnable {

  // Someone is waiting at the keyboard; a control plane slower than this completes nothing.
  private static final Duration DEADLINE = Duration.ofSeconds(2);

  private final Session session;

  @Spec private CommandSpec spec;

  // After "--", so that words such as "--" or "-o" are read as words, not as options.
  @Parameters(
      arity = "1..*",
      description = "The words after weirctl, the last being the one under the cursor.")
  private List<String> words = new ArrayList<>();

  CandidatesCommand(Session session) {
    this.session = session;
  }

  @Override
  public void run() {
    String current = words.get(words.size() - 1);
    List<String> before = words.subList(0, words.size() - 1);
    CompletionContext context = CompletionContext.of(spec.root(), before, current);
    if (context.kind() == CompletionContext.Kind.NOTHING) {
      return;
    }
    List<String> values;
    try {
      values = values(context);
    } catch (RuntimeException e) {
      return;
    }
    PrintWriter out = session.out();
    for (String value : values) {
      if (value.startsWith(context.prefix())) {
        out.println(context.lead() + value);
      }
    }
    out.flush();
  }

  private List<String> values(CompletionContext context) {
    AdminServiceBlockingStub admin =
        session.admin(DEADLINE.compareTo(session.timeout()) < 0 ? DEADLINE : session.timeout());
    List<Pool> pools;
    if (context.kind() == CompletionContext.Kind.BACKEND && !context.pool().isEmpty()) {
      pools =
          List.of(
              admin.getPool(GetPoolRequest.newBuilder().setName(context.pool()).build()).getPool());
    } else {
      pools = admin.listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList();
    }
    TreeSet<String> values = new TreeSet<>();
    for (Pool pool : pools) {
      if (context.kind() == CompletionContext.Kind.POOL) {
        values.add(pool.getName());
      } else {
        pool.getBackendsList().stream().map(Backend::getAddress).forEach(values::add);
      }
    }
    return List.copyOf(values);
  }
}
