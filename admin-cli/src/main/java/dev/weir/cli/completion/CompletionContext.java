package dev.weir.cli.completion;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What the word under the cursor is, read from the words before it with weirctl's own command
 * model: a pool name, a backend address (of one pool, or of any), or something else.
 *
 * @param kind what to offer
 * @param pool the pool whose backends to offer; empty for every pool's
 * @param prefix what is typed of the value so far
 * @param lead what comes before the value in the word, such as {@code --pool=}, kept in front of
 *     each candidate
 */
record CompletionContext(Kind kind, String pool, String prefix, String lead) {

  enum Kind {
    NOTHING,
    POOL,
    BACKEND
  }

  // What each positional parameter of a command is, index 0 first; those past the end of the
  // list (a new pool name, a new backend, a weight) are not completed.
  private static final Map<String, List<Kind>> POSITIONALS =
      Map.of(
          "pool show", List.of(Kind.POOL),
          "pool set", List.of(Kind.POOL),
          "pool delete", List.of(Kind.POOL),
          "backend add", List.of(Kind.POOL),
          "backend remove", List.of(Kind.POOL, Kind.BACKEND),
          "backend weight", List.of(Kind.POOL, Kind.BACKEND),
          "backend drain", List.of(Kind.POOL, Kind.BACKEND),
          "backend undrain", List.of(Kind.POOL, Kind.BACKEND));
  // Commands whose every positional parameter is a pool.
  private static final Set<String> POOL_LISTS = Set.of("get");
  private static final Map<String, Kind> OPTIONS =
      Map.of(
          "connections --pool", Kind.POOL,
          "connections --backend", Kind.BACKEND,
          "watch --pool", Kind.POOL);

  static CompletionContext nothing() {
    return new CompletionContext(Kind.NOTHING, "", "", "");
  }

  /**
   * @param before the words after {@code weirctl} and before the one under the cursor
   * @param current the word under the cursor, as typed so far ("" for a new word)
   */
  static CompletionContext of(CommandSpec root, List<String> before, String current) {
    CommandSpec command = root;
    List<String> positionals = new ArrayList<>();
    String pool = "";
    OptionSpec pending = null;
    boolean optionsEnded = false;
    for (String word : before) {
      if (pending != null) {
        pool = pending.longestName().equals("--pool") ? word : pool;
        pending = null;
      } else if (!optionsEnded && word.equals("--")) {
        optionsEnded = true;
      } else if (!optionsEnded && word.startsWith("-") && word.length() > 1) {
        String[] nameAndValue = word.split("=", 2);
        OptionSpec option = command.findOption(nameAndValue[0]);
        if (option != null && option.arity().min() > 0) {
          if (nameAndValue.length == 1) {
            pending = option;
          } else if (option.longestName().equals("--pool")) {
            pool = nameAndValue[1];
          }
        }
      } else if (positionals.isEmpty() && command.subcommands().containsKey(word)) {
        command = command.subcommands().get(word).getCommandSpec();
      } else {
        positionals.add(word);
      }
    }
    String path = command.qualifiedName(" ").substring(root.name().length()).strip();
    if (pending != null) {
      return option(path, pending, pool, current, "");
    }
    if (!optionsEnded && current.startsWith("--") && current.contains("=")) {
      String[] nameAndValue = current.split("=", 2);
      OptionSpec option = command.findOption(nameAndValue[0]);
      return option == null
          ? nothing()
          : option(path, option, pool, nameAndValue[1], nameAndValue[0] + "=");
    }
    if (current.startsWith("-")) {
      return nothing();
    }
    if (POOL_LISTS.contains(path)) {
      return new CompletionContext(Kind.POOL, "", current, "");
    }
    List<Kind> kinds = POSITIONALS.getOrDefault(path, List.of());
    if (positionals.size() >= kinds.size()) {
      return nothing();
    }
    Kind kind = kinds.get(positionals.size());
    // A backend positional always follows its pool's.
    String ofPool = kind == Kind.BACKEND ? positionals.get(0) : "";
    return new CompletionContext(kind, ofPool, current, "");
  }

  private static CompletionContext option(
      String path, OptionSpec option, String pool, String value, String lead) {
    Kind kind = OPTIONS.getOrDefault(path + " " + option.longestName(), Kind.NOTHING);
    return kind == Kind.NOTHING
        ? nothing()
        : new CompletionContext(kind, kind == Kind.BACKEND ? pool : "", value, lead);
  }
}
