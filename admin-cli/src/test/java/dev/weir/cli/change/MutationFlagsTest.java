package dev.weir.cli.change;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.RollbackRequest;
import dev.weir.api.v1.RollbackResponse;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The --dry-run, --force and --wait flags, as every mutating command has them. */
class MutationFlagsTest {

  private static final String DIFF =
      "~ pool web backend 10.0.0.5:80 weight 1 -> 3\n! pool web forced: guard min_healthy_backends";
  private static final PoolResponse CHANGED =
      PoolResponse.newBuilder()
          .setPool(Pool.newBuilder().setName("web").setListen(":8080"))
          .setConfigVersion(8)
          .setDiff("~ pool web backend 10.0.0.5:80 weight 1 -> 3")
          .build();
  private static final WaitForAppliedResponse APPLIED =
      WaitForAppliedResponse.newBuilder()
          .setComplete(true)
          .setElapsed(Durations.fromMillis(12))
          .addProxies(applied("edge-1", 8))
          .addProxies(applied("edge-2", 8))
          .addProxies(applied("edge-3", 9))
          .build();

  // For drain --wait, which follows the drain once the change is applied.
  private static final PoolStatus DRAINED =
      PoolStatus.newBuilder()
          .addBackends(
              BackendStatus.newBuilder()
                  .setAddress("10.0.0.5:80")
                  .setState(BackendState.DRAINING)
                  .setDrain(DrainStatus.newBuilder().setState(DrainStatus.State.DRAINED)))
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(CHANGED)
        .respondTo(
            DeletePoolRequest.class,
            DeletePoolResponse.newBuilder().setConfigVersion(8).setDiff("- pool web").build())
        .respondTo(
            RollbackRequest.class,
            RollbackResponse.newBuilder().setConfigVersion(8).setDiff("- pool api").build())
        .respondTo(WaitForAppliedRequest.class, APPLIED)
        .respondTo(GetPoolStatusRequest.class, DRAINED);
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pool create web --listen :8080",
        "pool set web --idle-timeout 5m",
        "pool delete web",
        "backend add web 10.0.0.5:80",
        "backend remove web 10.0.0.5:80",
        "backend weight web 10.0.0.5:80 3",
        "backend drain web 10.0.0.5:80",
        "backend undrain web 10.0.0.5:80",
        "rollback 5"
      })
  void everyMutatingCommandSendsDryRunAndForce(String command) {
    Result result = run(command, "--dry-run", "--force");

    assertThat(result.exitCode()).isZero();
    assertThat(options(controlPlane.service().requests().get(0)))
        .isEqualTo(MutationOptions.newBuilder().setDryRun(true).setForce(true).build());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "pool create web --listen :8080",
        "pool set web --idle-timeout 5m",
        "pool delete web",
        "backend add web 10.0.0.5:80",
        "backend remove web 10.0.0.5:80",
        "backend weight web 10.0.0.5:80 3",
        "backend drain web 10.0.0.5:80",
        "backend undrain web 10.0.0.5:80",
        "rollback 5"
      })
  void everyMutatingCommandWaitsForTheVersionItMadeAndDocumentsTheFlags(String command) {
    Result result = run(command, "--wait", "--wait-timeout", "5s");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .containsExactly(
            WaitForAppliedRequest.newBuilder()
                .setConfigVersion(8)
                .setTimeout(Durations.fromSeconds(1))
                .build());
    assertThat(run(command, "--help").out())
        .contains("--dry-run", "--force", "--wait", "--wait-timeout=DURATION", " 4 ");
  }

  @Test
  void withoutTheFlagsTheOptionsAreLeftUnset() {
    run("backend", "weight", "web", "10.0.0.5:80", "3");

    Message request = controlPlane.service().requests().get(0);
    assertThat(request.hasField(optionsField(request))).isFalse();
  }

  @Test
  void aChangePrintsItsDiffIndentedUnderTheConfirmation() {
    Result result = run("backend", "weight", "web", "10.0.0.5:80", "3");

    assertThat(result.out())
        .isEqualTo(
            "backend 10.0.0.5:80 in pool web now has weight 3 (config version 8)\n"
                + "  ~ pool web backend 10.0.0.5:80 weight 1 -> 3\n");
  }

  @Test
  void aForcedChangeShowsTheGuardItOverrode() {
    controlPlane.service().respondWith(CHANGED.toBuilder().setDiff(DIFF).build());

    Result result = run("backend", "weight", "web", "10.0.0.5:80", "3", "--force");

    assertThat(result.outLines()).endsWith("  ! pool web forced: guard min_healthy_backends");
  }

  @Test
  void aDryRunPrintsWhatWouldChangeAndSaysNothingWasChanged() {
    controlPlane
        .service()
        .respondWith(CHANGED.toBuilder().setDryRun(true).setConfigVersion(7).build());

    Result result = run("backend", "weight", "web", "10.0.0.5:80", "3", "--dry-run", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "dry run: nothing was changed; it would change:\n"
                + "  ~ pool web backend 10.0.0.5:80 weight 1 -> 3\n");
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class)).isEmpty();
  }

  @Test
  void aDryRunOfAChangeThatChangesNothingSaysSo() {
    controlPlane.service().respondWith(CHANGED.toBuilder().setDryRun(true).clearDiff().build());

    Result result = run("backend", "drain", "web", "10.0.0.5:80", "--dry-run");

    assertThat(result.out()).isEqualTo("dry run: nothing was changed; it would change nothing\n");
  }

  @Test
  void jsonIsTheResponseMessageWithItsDiffAndNothingElseEvenWithWait() {
    Result result = run("-o", "json", "backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("{")
        .contains("\"diff\": \"~ pool web backend 10.0.0.5:80 weight 1 -\\u003e 3\"")
        .contains("\"dryRun\": false")
        .doesNotContain("applied on");
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class)).hasSize(1);
  }

  @Test
  void waitInAScriptPrintsOnlyTheFinalLine() {
    Result result = run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.outLines())
        .containsExactly(
            "backend 10.0.0.5:80 in pool web now has weight 3 (config version 8)",
            "  ~ pool web backend 10.0.0.5:80 weight 1 -> 3",
            "applied on 3 proxies in 12ms");
  }

  @Test
  void waitInAScriptAsksInOneSecondSlicesUpToItsTimeout() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder().addProxies(applied("edge-1", 7)).build());

    Result result =
        run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait", "--wait-timeout", "2500ms");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .extracting(WaitForAppliedRequest::getTimeout)
        .containsExactly(
            Durations.fromSeconds(1), Durations.fromSeconds(1), Durations.fromMillis(500));
    assertThat(result.outLines()).hasSize(2).noneMatch(line -> line.contains("waiting"));
  }

  @Test
  void waitInAScriptStopsAsSoonAsAProxyRejectsTheVersion() {
    // The control plane answers a wait early only once the version is everywhere: a NACK must be
    // seen by weirctl after one slice, not after the whole --wait-timeout.
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .addProxies(applied("edge-1", 8))
                .addProxies(applied("edge-2", 7).toBuilder().setNackReason("port 8080 is in use"))
                .build());

    Result result = run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .extracting(WaitForAppliedRequest::getTimeout)
        .containsExactly(Durations.fromSeconds(1));
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 cannot be applied everywhere by 1 of 2 proxies: edge-2 "
                + "(rejected it: port 8080 is in use)");
  }

  @Test
  void waitOnATerminalShowsWhatItWaitsForThenReplacesItWithTheOutcome() {
    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.out())
        .endsWith(
            "  ~ pool web backend 10.0.0.5:80 weight 1 -> 3\n"
                + "\r\033[Kwaiting for the proxies to apply config version 8 ..."
                + "\r\033[Kapplied on 3 proxies in 12ms\n");
  }

  @Test
  void waitOnATerminalCountsTheProxiesThatHaveItEverySecond() {
    WaitForAppliedResponse oneOfThree =
        WaitForAppliedResponse.newBuilder()
            .addProxies(applied("edge-1", 8))
            .addProxies(applied("edge-2", 7))
            .addProxies(applied("edge-3", 7))
            .build();
    WaitForAppliedResponse twoOfThree =
        oneOfThree.toBuilder().setProxies(2, applied("edge-3", 8)).build();
    controlPlane.service().respondTo(WaitForAppliedRequest.class, oneOfThree, twoOfThree, APPLIED);

    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .endsWith(
            "\r\033[Kwaiting for the proxies to apply config version 8 ..."
                + "\r\033[Kwaiting for config version 8: applied on 1 of 3 proxies (1s) ..."
                + "\r\033[Kwaiting for config version 8: applied on 2 of 3 proxies (2s) ..."
                + "\r\033[Kapplied on 3 proxies in 12ms\n");
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .extracting(WaitForAppliedRequest::getTimeout)
        .containsExactly(
            Durations.fromSeconds(1), Durations.fromSeconds(1), Durations.fromSeconds(1));
  }

  @Test
  void waitOnATerminalEndsWithTheLastSliceAtItsTimeout() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder().addProxies(applied("edge-1", 7)).build());

    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run(
                "backend",
                "weight",
                "web",
                "10.0.0.5:80",
                "3",
                "--wait",
                "--wait-timeout",
                "2500ms");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .extracting(WaitForAppliedRequest::getTimeout)
        .containsExactly(
            Durations.fromSeconds(1), Durations.fromSeconds(1), Durations.fromMillis(500));
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 was not applied within 2500ms by 1 of 1 proxies: edge-1 "
                + "(still at config version 7)");
  }

  @Test
  void waitOnATerminalStopsAsSoonAsAProxyRejectsTheVersion() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .addProxies(applied("edge-1", 8))
                .addProxies(applied("edge-2", 7).toBuilder().setNackReason("port 8080 is in use"))
                .build());

    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class)).hasSize(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 cannot be applied everywhere by 1 of 2 proxies: edge-2 "
                + "(rejected it: port 8080 is in use)");
  }

  @Test
  void aWaitForAVersionAppliedWithoutAPoolOnAProxyExitsWithFourAtOnceNamingIt() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .setComplete(true)
                .addProxies(applied("edge-1", 8))
                .addProxies(
                    applied("edge-2", 8).toBuilder()
                        .addFailedPools(
                            PoolApplyFailure.newBuilder()
                                .setPool("web")
                                .setListen("0.0.0.0:8080")
                                .setReason(
                                    "cannot listen on 0.0.0.0:8080: another program already "
                                        + "listens on this port (SO_REUSEPORT would share it)")))
                .build());

    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class)).hasSize(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 applied on 1 of 2 proxies; pool web failed on proxy edge-2: "
                + "cannot listen on 0.0.0.0:8080: another program already listens on this port "
                + "(SO_REUSEPORT would share it) (not served there; retrying)");
  }

  @Test
  void aWaitThatTimesOutExitsWithFourNamingTheProxiesBehind() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .setElapsed(Durations.fromSeconds(3))
                .addProxies(applied("edge-1", 8))
                .addProxies(applied("edge-2", 0))
                .addProxies(applied("edge-3", 7))
                .build());

    Result result =
        run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait", "--wait-timeout", "3s");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE).isEqualTo(4);
    assertThat(result.outLines()).hasSize(2);
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 was not applied within 3s by 2 of 3 proxies: edge-2 "
                + "(has applied none), edge-3 (still at config version 7)");
  }

  @Test
  void waitWithNoProxyConnectedSaysSoAndSucceeds() {
    controlPlane
        .service()
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder().setComplete(true).build());

    Result result = run("pool", "delete", "web", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "pool web deleted (config version 8)",
            "  - pool web",
            "no proxy is connected; each gets config version 8 when it connects");
  }

  @Test
  void aChangeRefusedByAGuardExitsWithOneAndTheControlPlanesReason() {
    controlPlane
        .service()
        .failWith(
            Status.FAILED_PRECONDITION.withDescription(
                "pool \"web\" guard min_healthy_backends is 2: this change would leave 1 healthy "
                    + "ACTIVE backend (now 2); use force to override"));

    Result result = run("backend", "drain", "web", "10.0.0.5:80", "--wait");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.errLines()).singleElement().asString().endsWith("use force to override");
  }

  private Result run(String command, String... more) {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    args.addAll(List.of(more));
    return controlPlane.cli().run(args.toArray(String[]::new));
  }

  private static MutationOptions options(Message request) {
    return (MutationOptions) request.getField(optionsField(request));
  }

  private static FieldDescriptor optionsField(Message request) {
    return request.getDescriptorForType().findFieldByName("options");
  }

  private static ProxyApplyStatus applied(String proxy, long version) {
    return ProxyApplyStatus.newBuilder().setProxyId(proxy).setAppliedVersion(version).build();
  }
}
