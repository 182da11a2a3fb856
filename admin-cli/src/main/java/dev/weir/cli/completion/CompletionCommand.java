package dev.weir.cli.completion;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code weirctl completion bash|zsh}: the shell completion script, picocli's from the command
 * model plus {@link ShellScript}'s completion of pools and backends from the control plane.
 */
@Command(
    name = "completion",
    description = {
      "Prints a script that completes weirctl's commands, options and their values in bash or "
          + "zsh, and pool names and backend addresses from the control plane (the one weirctl "
          + "would use; at most 2s per TAB). It completes weirctl, bin/weirctl and any path to "
          + "weirctl. Load it in your shell's startup file."
    },
    mixinStandardHelpOptions = true,
    footer = {
      "%nExamples:",
      "  source <(bin/weirctl completion bash)            # bash, this shell",
      "  bin/weirctl completion bash > /etc/bash_completion.d/weirctl",
      "  echo \"source <($PWD/bin/weirctl completion zsh)\" >> ~/.zshrc"
    })
public final class CompletionCommand implements Runnable {

  private static final List<String> SHELLS = List.of("bash", "zsh");

  @Spec private CommandSpec spec;

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shells.class,
      description = "${COMPLETION-CANDIDATES}")
  private String shell;

  @Override
  public void run() {
    if (!SHELLS.contains(shell)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "'" + shell + "' is not one of " + String.join(", ", SHELLS));
    }
    String script = AutoComplete.bash("weirctl", spec.root().commandLine());
    PrintWriter out = spec.commandLine().getOut();
    if (shell.equals("zsh")) {
      // zsh runs bash completion scripts through bashcompinit.
      out.print(
          "autoload -U +X compinit && compinit\n"
              + "autoload -U +X bashcompinit && bashcompinit\n");
    }
    out.print(script);
    out.print(ShellScript.dynamic());
    out.flush();
  }

  /** The shells, for help and for completing this command itself. */
  static final class Shells implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return SHELLS.iterator();
    }
  }
}
