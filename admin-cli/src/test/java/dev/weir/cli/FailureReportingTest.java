package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.status.AnsweredBy;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.controlplane.ControlPlaneChannels;
import io.grpc.Metadata;
import io.grpc.Status;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FailureReportingTest {

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
  void invalidArgumentExitsOneWithTheServersDescriptionOnOneLine() {
    controlPlane
        .service()
        .failWith(Status.INVALID_ARGUMENT.withDescription("backend weight must be 1..1000, got 0"));

    Result result = controlPlane.cli().run("backend", "weight", "web", "10.0.0.5:80", "0");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: backend weight must be 1..1000, got 0\n");
    assertThat(result.out()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"NOT_FOUND", "ALREADY_EXISTS", "FAILED_PRECONDITION", "INTERNAL"})
  void everyRefusalExitsOne(Status.Code code) {
    controlPlane.service().failWith(Status.fromCode(code).withDescription("pool web: no"));

    Result result = controlPlane.cli().run("pool", "delete", "web");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).containsExactly("error: pool web: no");
  }

  @Test
  void aRefusalWithoutDescriptionNamesTheStatusCode() {
    controlPlane.service().failWith(Status.NOT_FOUND);

    Result result = controlPlane.cli().run("pool", "show", "web");

    assertThat(result.errLines()).containsExactly("error: control plane answered NOT_FOUND");
  }

  @Test
  void aMultiLineDescriptionIsPrintedOnOneLine() {
    controlPlane
        .service()
        .failWith(Status.INVALID_ARGUMENT.withDescription("two problems:\n  first\n  second"));

    Result result = controlPlane.cli().run("pool", "list");

    assertThat(result.errLines()).containsExactly("error: two problems: first second");
  }

  @Test
  void unavailableExitsThreeNamingTheAddress() {
    controlPlane.service().failWith(Status.UNAVAILABLE.withDescription("shutting down"));

    Result result = controlPlane.cli().run("--control-plane", "cp.example:9900", "pool", "list");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.errLines())
        .containsExactly("error: cannot reach control plane at cp.example:9900: shutting down");
  }

  @Test
  void anUnavailableStoreExitsSevenSayingTheControlPlaneAnsweredNotThatItIsUnreachable() {
    Metadata trailers = new Metadata();
    trailers.put(AnsweredBy.KEY, AnsweredBy.CONTROL_PLANE);
    controlPlane
        .service()
        .failWith(
            Status.UNAVAILABLE.withDescription(
                "could not store the configuration: etcd at http://10.0.0.5:2379 did not answer"),
            trailers);

    Result result = controlPlane.cli().run("--control-plane", "cp.example:9900", "pool", "list");

    assertThat(result.exitCode()).isEqualTo(7);
    assertThat(result.errLines())
        .containsExactly(
            "error: control plane at cp.example:9900 is "
                + "unavailable: could not store the configuration: etcd at http://10.0.0.5:2379 did "
                + "not answer");
  }

  @Test
  void aChangeTheControlPlaneCannotSayWasAppliedExitsSixAndSaysItMayHaveBeen() {
    Metadata trailers = new Metadata();
    trailers.put(AnsweredBy.KEY, AnsweredBy.CONTROL_PLANE);
    controlPlane
        .service()
        .failWith(
            Status.UNKNOWN.withDescription(
                "config version 2 may have "
                    + "been applied: cannot commit config version 2: etcd at http://10.0.0.5:2379 did not "
                    + "answer within 5 s, nor when asked afterwards whether it applied the commit; check "
                    + "`weirctl history` before retrying"),
            trailers);

    Result result = controlPlane.cli().run("backend", "add", "web", "10.0.0.9:80");

    assertThat(result.exitCode()).isEqualTo(6);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: config version 2 may have been applied: ")
        .endsWith("check `weirctl history` before retrying");
  }

  @Test
  void anUnknownErrorNotFromTheControlPlaneIsARefusal() {
    controlPlane.service().failWith(Status.UNKNOWN.withDescription("broken"));

    Result result = controlPlane.cli().run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(1);
  }

  @Test
  void aControlPlaneThatNeverAnswersExitsThreeNamingTheTimeout() {
    controlPlane.service().neverAnswer();

    Result result = controlPlane.cli().run("--timeout", "200ms", "pool", "list");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.errLines())
        .containsExactly("error: control plane at 127.0.0.1:9900 did not answer within 200ms");
  }

  @Test
  void aPortNobodyListensOnExitsThreeWithTheReason() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String address = "127.0.0.1:" + closedPort;

    Result result =
        controlPlane
            .cli()
            .withConnector(ControlPlaneChannels.plaintext("weirctl/test"))
            .run("--control-plane", address, "--timeout", "5s", "pool", "list");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: cannot reach control plane at " + address + ": ")
        .containsIgnoringCase("connection refused")
        .doesNotContain("TLS");
  }

  @Test
  void aPortThatDropsPlaintextConnectionsSuggestsTls() throws Exception {
    try (ServerSocket tlsLike = new ServerSocket(0)) {
      Thread dropper =
          new Thread(
              () -> {
                while (!tlsLike.isClosed()) {
                  try (java.net.Socket s = tlsLike.accept()) {
                    s.setSoLinger(true, 0); // reset, as a TLS server does on a plaintext hello
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      dropper.setDaemon(true);
      dropper.start();
      String address = "127.0.0.1:" + tlsLike.getLocalPort();

      Result result =
          controlPlane
              .cli()
              .withConnector(ControlPlaneChannels.secured("weirctl/test"))
              .run("--control-plane", address, "--timeout", "5s", "pool", "list");

      assertThat(result.exitCode()).isEqualTo(3);
      assertThat(result.errLines())
          .singleElement()
          .asString()
          .startsWith("error: cannot reach control plane at " + address + ": ")
          .endsWith(" (if it serves TLS, add --tls-ca)");
    }
  }

  @Test
  void noSubcommandIsAUsageError() {
    Result result = controlPlane.cli().run();

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .containsExactly("error: Missing required subcommand; see 'weirctl --help'");
  }

  @Test
  void anUnknownOptionIsAUsageErrorPointingAtHelp() {
    Result result = controlPlane.cli().run("pool", "list", "--colour");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: ")
        .contains("--colour")
        .endsWith("see 'weirctl pool list --help'");
  }

  @Test
  void aMistypedCommandSuggestsTheRightOne() {
    Result result = controlPlane.cli().run("pol", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("did you mean pool");
  }
}
