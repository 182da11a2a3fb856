package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.CliRunner.Result;
import java.util.Arrays;
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
