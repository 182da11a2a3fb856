package dev.weir.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts, run in a real bash and zsh, against a stand-in weirctl that records its call. */
class CompletionCommandTest {

  @TempDir Path dir;
  private FakeControlPlane controlPlane;
  private Path script;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void theBashScriptCompletesCommandsAndOptionValuesInARealBash() throws Exception {
    requireShell("bash");
    writeScript("bash");

    assertThat(complete("bash", "weirctl", "po")).containsExactly("pool");
    assertThat(complete("bash", "weirctl", "pool", "create", "web", "--algorithm", "ma"))
        .containsExactly("maglev");
    assertThat(complete("bash", "weirctl", "-o", "y")).containsExactly("yaml");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void bashCompletesPoolNamesFromTheControlPlaneForBinWeirctl() throws Exception {
    requireShell("bash");
    writeScript("bash");
    Path weirctl = standIn("web\nweb-canary\n");

    assertThat(complete("bash", weirctl.toString(), "pool", "show", "we"))
        .containsExactly("web", "web-canary");
    assertThat(Files.readAllLines(dir.resolve("bin/args")))
        .containsExactly("__complete", "--", "pool", "show", "we");
  }

  @Test
  void bashCompletesBackendAddressesAfterTheColonItSplitsWordsAt() throws Exception {
    requireShell("bash");
    writeScript("bash");
    Path weirctl = standIn("10.0.0.5:80\n10.0.0.5:8080\n");

    // bash replaces only what follows the word's last ':', so that is what it must be offered.
    assertThat(
            complete(
                "bash",
                weirctl.toString(),
                "--control-plane",
                "cp:9900",
                "backend",
                "drain",
                "web",
                "10.0.0.5:"))
        .containsExactly("80", "8080");
    assertThat(Files.readAllLines(dir.resolve("bin/args")))
        .containsExactly(
            "--control-plane",
            "cp:9900",
            "__complete",
            "--",
            "--control-plane",
            "cp:9900",
            "backend",
            "drain",
            "web",
            "10.0.0.5:");
  }

  @Test
  void bashRegistersWeirctlAsTheReadmeRunsIt() throws Exception {
    requireShell("bash");
    writeScript("bash");

    String registered =
        run(
            List.of(
                "bash",
                "-c",
                "source "
                    + script
                    + " 2>/dev/null; complete -p weirctl bin/weirctl ./bin/weirctl"));

    assertThat(registered.lines()).hasSize(3).allMatch(line -> line.contains("-F _weirctl "));
  }

  @Test
  void zshRegistersWeirctlAnyPathToItAndCompletesPoolsFromTheControlPlane() throws Exception {
    requireShell("zsh");
    writeScript("zsh");
    Path weirctl = standIn("web\nweb-canary\n");
    String line = weirctl + " pool delete w";

    String output =
        run(
            List.of(
                "zsh",
                "-f",
                "-c",
                "source "
                    + script
                    + " 2>/dev/null\n"
                    + "print -r -- \"bin: $_comps[bin/weirctl]\"\n"
                    + "print -r -- \"pattern: $_patcomps[*/weirctl]\"\n"
                    + "COMP_LINE='"
                    + line
                    + "'; COMP_POINT="
                    + line.length()
                    + "\n"
                    + "_weirctl_from_control_plane\n"
                    + "print -rl -- $COMPREPLY"));

    assertThat(output.lines())
        .containsExactly(
            "bin: _bash_complete -F _weirctl -o default",
            "pattern: _bash_complete -F _weirctl -o default",
            "web",
            "web-canary");
  }

  @Test
  void theZshScriptLoadsBashCompletionFirst() {
    Result result = controlPlane.cli().run("completion", "zsh");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith(
            "autoload -U +X compinit && compinit\n"
                + "autoload -U +X bashcompinit && bashcompinit\n");
  }

  @Test
  void theHiddenCompleteCommandIsNotOfferedAsACommand() {
    Result result = controlPlane.cli().run("completion", "bash");

    assertThat(result.out()).doesNotContain("_picocli_weirctl___complete");
    assertThat(controlPlane.cli().run("--help").out()).doesNotContain("__complete");
  }

  @Test
  void anotherShellIsAUsageErrorNamingTheShells() {
    Result result = controlPlane.cli().run("completion", "fish");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'fish' is not one of bash, zsh");
  }

  private void writeScript(String shell) throws Exception {
    Result result = controlPlane.cli().run("completion", shell);
    assertThat(result.exitCode()).isZero();
    script = Files.writeString(dir.resolve("weirctl." + shell), result.out());
  }

  /** A weirctl that records its arguments in bin/args and prints {@code candidates}. */
  private Path standIn(String candidates) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("candidates"), candidates);
    Path weirctl = bin.resolve("weirctl");
    Files.writeString(
        weirctl,
        "#!/bin/sh\n"
            + "here=$(dirname \"$0\")\n"
            + "printf '%s\\n' \"$@\" > \"$here/args\"\n"
            + "cat \"$here/candidates\"\n");
    Files.setPosixFilePermissions(weirctl, PosixFilePermissions.fromString("rwxr-xr-x"));
    return weirctl;
  }

  /**
   * What bash offers for the last of {@code words}, from the registered completion function, with
   * COMP_WORDS split as bash splits them (also at ':').
   */
  private List<String> complete(String shell, String... words) throws Exception {
    String line = String.join(" ", words);
    String split = line.replace(":", " : ");
    String[] compWords = split.endsWith(" ") ? (split + "''").split(" +") : split.split(" +");
    String program =
        "source "
            + script
            + "\n"
            + "COMP_WORDS=("
            + String.join(" ", compWords)
            + ")\n"
            + "COMP_CWORD="
            + (compWords.length - 1)
            + "\n"
            + "COMP_LINE='"
            + line
            + "'\n"
            + "COMP_POINT="
            + line.length()
            + "\n"
            + "_weirctl\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    // compopt complains outside a real completion; what COMPREPLY holds is what matters.
    return run(List.of(shell, "-c", program)).lines().filter(s -> !s.isEmpty()).toList();
  }

  private String run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output;
  }

  // Skipped where the shell is missing, except in CI, which installs it (.ci/run).
  private static void requireShell(String name) {
    boolean found = false;
    for (String path : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      found |= Files.isExecutable(Path.of(path, name));
    }
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(name + " is missing: apt-get install -y " + name);
    }
    assumeTrue(found, name + " is missing: apt-get install -y " + name);
  }
}
