package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.CliRunner.Result;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "pool",
        "pool create",
        "pool list",
        "pool show",
        "pool set",
        "pool delete",
        "backend",
        "backend add",
        "backend remove",
        "backend weight",
        "backend drain",
        "backend undrain",
        "proxies",
        "history",
        "diff",
        "rollback",
        "status",
        "watch",
        "top",
        "version"
      })
  void everyCommandHasHelpWithAnExampleAndTheExitCodes(String command) {
    String[] words = command.isEmpty() ? new String[0] : command.split(" ");
    String[] args = Arrays.copyOf(words, words.length + 1);
    args[words.length] = "--help";

    Result result = controlPlane.cli().run(args);

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Usage: weirctl " + command)
        .contains("Example", "weirctl " + command, "Exit codes:", " 3 ")
        .contains("--control-plane", "--output", "--timeout");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"create", "set"})
  void poolSettingsFlagsAreGroupedUnderHeadingsWithTheValueForms(String command) {
    Result result = controlPlane.cli().run("pool", command, "--help");

    assertThat(result.out())
        .containsSubsequence(
            "Health checks:",
            "--health-check=KIND",
            "--health-host=HOST",
            "Outlier detection (on by default):",
            "--outlier-failures=N",
            "--no-outlier-detection",
            "Connections:",
            "--max-connections=N",
            "--drain-timeout=DURATION",
            "Tuning:",
            "--socket-buffer=BYTES",
            "--maglev-table-size=N",
            "Values:",
            "DURATION  500ms, 5s, 2m or 1h; 0 means the default.",
            "PERCENT   10 or 10%.",
            "Examples:",
            "weirctl pool " + command + " ",
            "--health-check http");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void poolSetHelpListsItsOwnFlagsBeforeTheGlobalOnes() {
    Result result = controlPlane.cli().run("pool", "set", "--help");

    assertThat(result.out())
        .startsWith("Usage: weirctl pool set [OPTIONS] NAME")
        .containsSubsequence("--listen=[HOST]:PORT", "--algorithm=NAME", "--control-plane");
  }

  @Test
  void everyExampleLineEndingInABackslashContinuesOnTheNextLine() {
    for (String command : allCommands()) {
      List<String> lines = helpLines(command);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        assertThat(line.strip())
            .as("weirctl %s --help, line %d", command, i + 1)
            .isNotEqualTo("\\");
        if (line.endsWith(" \\")) {
          // A paste runs the whole command only if the next line carries it on.
          assertThat(i + 1 < lines.size() ? lines.get(i + 1) : "")
              .as("weirctl %s --help, after: %s", command, line)
              .matches(" {4,}\\S.*");
        }
      }
    }
  }

  @Test
  void noHelpLineBreaksAnAddressUrlOrFlagInTwo() {
    for (String command : allCommands()) {
      List<String> lines = helpLines(command);
      for (int i = 0; i + 1 < lines.size(); i++) {
        assertThat(breaksAWord(lines.get(i), lines.get(i + 1)))
            .as("weirctl %s --help breaks a word:%n%s%n%s", command, lines.get(i), lines.get(i + 1))
            .isFalse();
      }
    }
  }

  // Help text wraps at punctuation too ("http:" then "//10.0.0.1:2379"), and such a line cannot
  // be pasted. A sentence may end a line with ':' or '.'; it goes on with a word, not a number.
  private static boolean breaksAWord(String line, String next) {
    String[] tokens = line.strip().split(" ");
    String last = tokens[tokens.length - 1];
    String first = next.strip();
    if (tokens.length < 2 || first.isEmpty()) {
      return false;
    }
    if (last.matches("--[a-z-]*-") || last.matches(".*https?:")) {
      return true;
    }
    return (last.matches(".*[0-9/].*[:./]") || last.matches("[A-Z]+:"))
        && (Character.isDigit(first.charAt(0))
            || first.startsWith("/")
            || first.startsWith("PORT"));
  }

  private List<String> helpLines(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    Result result = controlPlane.cli().run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as("weirctl %s --help", command).isZero();
    return result.out().lines().toList();
  }

  /** Every command path, "" for weirctl itself, from the "Commands:" lists of the help. */
  private List<String> allCommands() {
    List<String> found = new ArrayList<>();
    List<String> pending = new ArrayList<>(List.of(""));
    Pattern entry = Pattern.compile("^  ([a-z]+)  ");
    while (!pending.isEmpty()) {
      String command = pending.remove(0);
      found.add(command);
      boolean inCommands = false;
      for (String line : helpLines(command)) {
        if (line.equals("Commands:")) {
          inCommands = true;
        } else if (inCommands && line.isEmpty()) {
          inCommands = false;
        } else if (inCommands) {
          Matcher m = entry.matcher(line);
          if (m.find()) {
            pending.add((command + " " + m.group(1)).strip());
          }
        }
      }
    }
    return found;
  }

  @Test
  void topLevelHelpCallsJsonTheStableInterface() {
    Result result = controlPlane.cli().run("--help");

    assertThat(result.out()).contains("stable interface for scripts", "WEIR_CONTROL_PLANE");
  }

  @Test
  void versionFlagWorksOnSubcommandsToo() {
    Result result = controlPlane.cli().run("backend", "drain", "--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("weirctl ").doesNotContain("unknown");
  }
}
