package dev.weir.cli.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.CliRunner;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code backend drain --wait}, against the fleet-wide drain status GetPoolStatus reports. */
class DrainWaitTest {

  private static final String BACKEND = "10.0.0.5:80";

  private FakeControlPlane controlPlane;
  private TestConsole console;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(
            PoolResponse.newBuilder()
                .setPool(Pool.newBuilder().setName("web"))
                .setConfigVersion(8)
                .setDiff("~ pool web backend 10.0.0.5:80 state active -> draining")
                .build())
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .setComplete(true)
                .setElapsed(Durations.fromMillis(3))
                .addProxies(ProxyApplyStatus.newBuilder().setProxyId("a").setAppliedVersion(8))
                .addProxies(ProxyApplyStatus.newBuilder().setProxyId("b").setAppliedVersion(8))
                .build());
    console = TestConsole.script();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void theDeadlineIsSentWithTheDrain() {
    cli().run("backend", "drain", "web", BACKEND, "--deadline", "90s");

    assertThat(controlPlane.service().onlyRequest(DrainBackendRequest.class).getDeadline())
        .isEqualTo(Durations.fromSeconds(90));
  }

  @Test
  void inAScriptEachNewCountIsALineAndTheLastSaysHowLongItTook() {
    controlPlane
        .service()
        .respondTo(
            GetPoolStatusRequest.class,
            draining(12),
            draining(12),
            draining(5),
            draining(1),
            drained(0));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "backend 10.0.0.5:80 in pool web is draining (config version 8)",
            "  ~ pool web backend 10.0.0.5:80 state active -> draining",
            "applied on 2 proxies in 3ms",
            "draining: 12 connections remain",
            "draining: 5 connections remain",
            "draining: 1 connection remains",
            "drained in 2s");
    assertThat(controlPlane.service().requests(GetPoolStatusRequest.class))
        .hasSize(5)
        .allSatisfy(request -> assertThat(request.getName()).isEqualTo("web"));
  }

  @Test
  void connectionsCutAtTheDeadlineAreCounted() {
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(3), drained(3));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--deadline", "1s", "--wait");

    assertThat(result.outLines())
        .last()
        .isEqualTo("drained in 500ms; 3 connections were cut at the deadline");
  }

  @Test
  void onATerminalTheCountRewritesOneLine() {
    console = TestConsole.terminal();
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(2), drained(0));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.out())
        .contains("\r\033[Kdraining: 2 connections remain (0s)")
        .endsWith("\r\033[Kdrained in 500ms\n")
        .doesNotContain("draining: 2 connections remain\n");
  }

  @Test
  void aDrainStillGoingAtTheWaitTimeoutExitsWithFour() {
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(4));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait", "--wait-timeout", "2s");

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.errLines())
        .containsExactly(
            "error: backend 10.0.0.5:80 in pool web still has 4 connections open after 2s");
    assertThat(controlPlane.service().requests(GetPoolStatusRequest.class)).hasSize(5);
  }

  @Test
  void whileAReplicaIsUnaccountedTheProgressSaysSoAndNoCountOfZeroEndsTheWait() {
    controlPlane
        .service()
        .respondTo(
            GetPoolStatusRequest.class,
            draining(2, "r3"),
            draining(0, "r3"),
            draining(0, "r3"),
            draining(0),
            drained(0));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .endsWith(
            "applied on 2 proxies in 3ms",
            "draining: 2 connections remain, replica r3 unaccounted",
            "draining: 0 connections remain, replica r3 unaccounted",
            "draining: 0 connections remain",
            "drained in 2s");
  }

  @Test
  void onATerminalTheRewrittenLineNamesTheUnaccountedReplicas() {
    console = TestConsole.terminal();
    controlPlane
        .service()
        .respondTo(GetPoolStatusRequest.class, draining(0, "r3", "r4"), drained(0));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.out())
        .contains("\r\033[Kdraining: 0 connections remain, replicas r3, r4 unaccounted (0s)")
        .endsWith("\r\033[Kdrained in 500ms\n");
  }

  @Test
  void aDrainThatCannotBeConfirmedAtTheWaitTimeoutExitsWithFourNamingTheReplica() {
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(0, "r3"));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait", "--wait-timeout", "2s");

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.outLines()).noneMatch(line -> line.startsWith("drained"));
    assertThat(result.errLines())
        .containsExactly(
            "error: backend 10.0.0.5:80 in pool web is not confirmed drained after 2s: 0 "
                + "connections open on the proxies counted, and replica r3 is unaccounted for "
                + "(its proxies' connections are not counted)");
  }

  @Test
  void atTheDeadlineTheMessageNamesTheUnaccountedReplicasBesideTheConnectionsLeft() {
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(3, "r3", "r4"));

    Result result =
        cli()
            .run(
                "backend",
                "drain",
                "web",
                BACKEND,
                "--deadline",
                "1s",
                "--wait",
                "--wait-timeout",
                "1s");

    assertThat(result.exitCode()).isEqualTo(4);
    assertThat(result.errLines())
        .containsExactly(
            "error: backend 10.0.0.5:80 in pool web is not confirmed drained after 1s: 3 "
                + "connections open on the proxies counted, and replicas r3, r4 are unaccounted "
                + "for (their proxies' connections are not counted)");
  }

  @Test
  void aDrainEndedByItsDeadlineWhileAReplicaIsUnaccountedSaysSo() {
    controlPlane
        .service()
        .respondTo(GetPoolStatusRequest.class, draining(3, "r3"), drained(2, "r3"));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--deadline", "1s", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .last()
        .isEqualTo(
            "drained in 500ms; 2 connections were cut at the deadline; replica r3 "
                + "unaccounted: its proxies' connections are not counted");
  }

  @Test
  void aBackendUndrainedMeanwhileEndsTheWaitWithAnError() {
    controlPlane
        .service()
        .respondTo(
            GetPoolStatusRequest.class,
            draining(4),
            status(BackendState.ACTIVE, DrainStatus.State.NOT_DRAINING, 4, 0));

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly("error: backend 10.0.0.5:80 in pool web is no longer draining");
  }

  @Test
  void aDryRunDoesNotWait() {
    controlPlane
        .service()
        .respondWith(PoolResponse.newBuilder().setDryRun(true).setConfigVersion(7).build());

    Result result = cli().run("backend", "drain", "web", BACKEND, "--wait", "--dry-run");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().requests()).hasSize(1);
  }

  @Test
  void withJsonOnlyTheResponseIsPrintedWhileItWaits() {
    controlPlane.service().respondTo(GetPoolStatusRequest.class, draining(2), drained(0));

    Result result = cli().run("-o", "json", "backend", "drain", "web", BACKEND, "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("{").doesNotContain("draining:", "drained in");
    assertThat(controlPlane.service().requests(GetPoolStatusRequest.class)).hasSize(2);
  }

  private CliRunner cli() {
    return controlPlane.cli().withConsole(console).withClock(console.clock());
  }

  private static PoolStatus draining(long remaining, String... unaccounted) {
    return status(BackendState.DRAINING, DrainStatus.State.DRAINING, remaining, 0, unaccounted);
  }

  private static PoolStatus drained(long cut, String... unaccounted) {
    return status(BackendState.DRAINING, DrainStatus.State.DRAINED, 0, cut, unaccounted);
  }

  private static PoolStatus status(
      BackendState state,
      DrainStatus.State drain,
      long remaining,
      long cut,
      String... unaccounted) {
    return PoolStatus.newBuilder()
        .setPool(Pool.newBuilder().setName("web"))
        .addBackends(BackendStatus.newBuilder().setAddress("10.0.0.4:80").setState(state))
        .addBackends(
            BackendStatus.newBuilder()
                .setAddress(BACKEND)
                .setState(state)
                .setActiveConnections(remaining)
                .setDrain(
                    DrainStatus.newBuilder()
                        .setState(drain)
                        .setRemainingConnections(remaining)
                        .setCutConnections(cut)
                        .addAllUnaccountedReplicas(List.of(unaccounted))))
        .build();
  }
}
