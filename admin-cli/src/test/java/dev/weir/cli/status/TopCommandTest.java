package dev.weir.cli.status;

import static dev.weir.cli.status.FleetFixture.FLEET;
import static dev.weir.cli.status.FleetFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopCommandTest {

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
  void aFrameIsATitleLineAndWhatStatusPrints() {
    String frame = TopScreen.render(FLEET, NOW, Duration.ofSeconds(2), 100, 50);

    List<String> lines = frame.lines().toList();
    assertThat(lines.get(0))
        .isEqualTo(
            "weirctl top: 00:00:00 UTC, redrawn on every fleet event and every 2s; q quits");
    assertThat(lines.get(1)).isEmpty();
    assertThat(frame.substring(frame.indexOf('\n') + 2)).isEqualTo(StatusView.render(FLEET, NOW));
    assertThat(frame).doesNotContain("more lines");
  }

  @Test
  void aFrameIsCutToTheTerminalSoItNeverScrolls() {
    String full = TopScreen.render(FLEET, NOW, Duration.ofSeconds(2), 100, 50);
    int fullLines = (int) full.lines().count();

    String frame = TopScreen.render(FLEET, NOW, Duration.ofSeconds(5), 30, 8);

    List<String> lines = frame.lines().toList();
    assertThat(lines).hasSize(8);
    assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(30));
    assertThat(lines.get(0)).isEqualTo("weirctl top: 00:00:00 UTC, red");
    assertThat(lines.get(7)).startsWith("... " + (fullLines - 7) + " more lines");
  }

  @Test
  void refusesWithoutATerminalAndPointsAtStatusAndWatch() {
    Result result = controlPlane.cli().withConsole(TestConsole.script()).run("top");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("error: top needs a terminal")
        .contains("weirctl status", "weirctl watch");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void refusesJsonOutputEvenOnATerminal() {
    Result result = controlPlane.cli().withConsole(TestConsole.terminal()).run("top", "-o", "json");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("status -o json", "watch -o json");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void refusesAnIntervalThatIsNotAPositiveDuration() {
    Result result = controlPlane.cli().withConsole(TestConsole.terminal()).run("top", "--interval", "0s");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--interval");
    assertThat(controlPlane.service().requests()).isEmpty();
  }
}
