package dev.weir.cli.status;

import static dev.weir.cli.status.FleetFixture.FLEET;
import static dev.weir.cli.status.FleetFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.MissingReplica;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopCommandTest {

  private static final String ENTER = "\033[?1049h\033[?25l";
  private static final String HOME = "\033[H";
  private static final String LEAVE = "\033[?25h\033[?1049l";

  private final InputStream stdin = System.in;
  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    System.setIn(stdin);
    controlPlane.close();
  }

  // top reads its keys from System.in; the test types them. Closing the pipe ends the key reader.
  private PipedOutputStream typing() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    System.setIn(new PipedInputStream(keys));
    return keys;
  }

  private CompletableFuture<Result> topInBackground() {
    return CompletableFuture.supplyAsync(
        () ->
            controlPlane.cli().withConsole(TestConsole.terminal()).run("top", "--interval", "1h"));
  }

  private long listPoolsCalls() {
    return controlPlane.service().requests(ListPoolsRequest.class).size();
  }

  @Test
  void aFrameIsATitleLineAndWhatStatusPrints() {
    String frame = TopScreen.render(FLEET, NOW, Duration.ofSeconds(2), 100, 50);

    List<String> lines = frame.lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("weirctl top: 00:00:00 UTC, redrawn on every fleet event and every 2s; q quits");
    assertThat(lines.get(1)).isEmpty();
    assertThat(frame.substring(frame.indexOf('\n') + 2)).isEqualTo(StatusView.render(FLEET, NOW));
    assertThat(frame).doesNotContain("more lines");
  }

  @Test
  void aMissingReplicaIsNamedUnderTheHeaderSoEvenASmallFrameShowsIt() {
    FleetCoverage coverage =
        FleetCoverage.newBuilder()
            .setAnsweredBy("r1")
            .addReplicas("r1")
            .addMissing(
                MissingReplica.newBuilder()
                    .setReplicaId("r3")
                    .setAddress("127.0.0.1:9911")
                    .setReason("stream failed")
                    .addProxies("pd"))
            .build();
    FleetStatus partial =
        new FleetStatus(
            FLEET.controlPlane(), FLEET.configVersion(), FLEET.pools(), FLEET.proxies(), coverage);

    String frame = TopScreen.render(partial, NOW, Duration.ofSeconds(2), 100, 6);

    assertThat(frame.lines().toList().subList(2, 5))
        .containsExactly(
            "Control plane 127.0.0.1:9900, config version 42, proxies 2/3 connected",
            "replica r3 (127.0.0.1:9911) is missing (stream failed): proxy pd is not counted",
            "");
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
  void redrawsOnAFleetEventAndQuitsOnQRestoringTheScreen() throws Exception {
    FleetFixture.serve(controlPlane.service());
    try (PipedOutputStream keys = typing()) {
      CompletableFuture<Result> top = topInBackground();
      StreamObserver<FleetEvent> events = controlPlane.service().awaitWatcher();

      events.onNext(FleetEvent.newBuilder().setTime(FleetFixture.at(NOW)).build());
      await().atMost(Duration.ofSeconds(30)).until(() -> listPoolsCalls() == 2);
      keys.write('q');
      keys.flush();
      Result result = top.get(30, TimeUnit.SECONDS);

      assertThat(result.exitCode()).isZero();
      assertThat(result.err()).isEmpty();
      // Entered the alternate screen, drew the first frame and the one after the event (the
      // interval is an hour), then gave the screen back.
      assertThat(result.out()).startsWith(ENTER);
      assertThat(result.out().split(Pattern.quote(HOME), -1)).hasSize(3);
      assertThat(result.out()).contains("proxy-a", "10.0.0.5:80").endsWith(LEAVE);
    }
  }

  @Test
  void aControlPlaneGoingAwayRestoresTheScreenThenExitsWith3() throws Exception {
    FleetFixture.serve(controlPlane.service());
    try (PipedOutputStream keys = typing()) {
      CompletableFuture<Result> top = topInBackground();
      StreamObserver<FleetEvent> events = controlPlane.service().awaitWatcher();

      events.onError(Status.UNAVAILABLE.withDescription("shutting down").asException());
      Result result = top.get(30, TimeUnit.SECONDS);

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.out()).startsWith(ENTER).endsWith(LEAVE);
      assertThat(result.err())
          .isEqualTo("error: cannot reach control plane at 127.0.0.1:9900: " + "shutting down\n");
    }
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
    Result result =
        controlPlane.cli().withConsole(TestConsole.terminal()).run("top", "--interval", "0s");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--interval");
    assertThat(controlPlane.service().requests()).isEmpty();
  }
}
