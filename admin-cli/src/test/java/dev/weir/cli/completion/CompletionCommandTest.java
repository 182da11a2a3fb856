package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weir.cli.CliRunner.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {

  @TempDir Path dir;
  private FakeControlPlane controlPlane;

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
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash");
    Result result = controlPlane.cli().run("completion", "bash");
    assertThat(result.exitCode()).isZero();
    Path script = Files.writeString(dir.resolve("weirctl.bash"), result.out());

    assertThat(complete(script, "weirctl", "po")).isEqualTo("pool");
    assertThat(complete(script, "weirctl", "pool", "create", "web", "--algorithm", "ma"))
        .isEqualTo("maglev");
    assertThat(complete(script, "weirctl", "-o", "y")).isEqualTo("yaml");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void theZshScriptLoadsBashCompletionFirst() {
    Result result = controlPlane.cli().run("completion", "zsh");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("autoload -U +X compinit && compinit\n"
        + "autoload -U +X bashcompinit && bashcompinit\n");
  }

  @Test
  void anotherShellIsAUsageErrorNamingTheShells() {
    Result result = controlPlane.cli().run("completion", "fish");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'fish' is not one of bash, zsh");
  }

  /** What bash offers for the last of {@code words}, from the script's completion function. */
  private static String complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    String program = "source " + script + "\n"
        + "COMP_WORDS=(" + line + ")\n"
        + "COMP_CWORD=" + (words.length - 1) + "\n"
        + "COMP_LINE='" + line + "'\n"
        + "COMP_POINT=" + line.length() + "\n"
        + "_complete_weirctl\n"
        + "echo \"${COMPREPLY[*]}\"\n";
    // compopt complains outside a real completion; what COMPREPLY holds is what matters.
    Process bash = new ProcessBuilder("/bin/bash", "-c", program)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return output.strip();
  }
}
