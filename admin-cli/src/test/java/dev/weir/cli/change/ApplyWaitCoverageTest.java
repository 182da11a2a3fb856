package dev.weir.cli.change;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --wait} over several control-plane replicas: a version applied on every proxy the
 * answering replica can see is not a success while a replica, and so its proxies, is missing.
 */
class ApplyWaitCoverageTest {

  private static final MissingReplica R3 =
      MissingReplica.newBuilder()
          .setReplicaId("r3")
          .setAddress("127.0.0.1:9911")
          .setReason("not answering since 12:00:01: connection refused")
          .addProxies("pd")
          .addProxies("pe")
          .build();
  private static final FleetCoverage R3_MISSING =
      FleetCoverage.newBuilder()
          .setAnsweredBy("r1")
          .addReplicas("r1")
          .addReplicas("r2")
          .addMissing(R3)
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondWith(
            PoolResponse.newBuilder()
                .setPool(Pool.newBuilder().setName("web"))
                .setConfigVersion(8)
                .setDiff("~ pool web backend 10.0.0.5:80 weight 1 -> 3")
                .build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void everyProxySeenHavingTheVersionIsNotASuccessWhileAReplicaIsMissing() {
    serveWaits(
        WaitForAppliedResponse.newBuilder()
            .addProxies(applied("edge-1", "", 8))
            .addProxies(applied("edge-2", "r2", 8))
            .setCoverage(R3_MISSING)
            .build());

    Result result = weight("--wait", "--wait-timeout", "2s");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(result.outLines()).hasSize(2).noneMatch(line -> line.contains("applied on"));
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 was not confirmed within 2s: applied on 2 of 2 proxies; "
                + "replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: "
                + "connection refused): proxies pd, pe are not counted");
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class)).hasSize(2);
  }

  @Test
  void proxiesBehindAreNamedAndSoIsTheMissingReplica() {
    serveWaits(
        WaitForAppliedResponse.newBuilder()
            .addProxies(applied("edge-1", "", 8))
            .addProxies(applied("edge-2", "r2", 7))
            .setCoverage(
                R3_MISSING.toBuilder().addMissing(MissingReplica.newBuilder().setReplicaId("r4")))
            .build());

    Result result = weight("--wait", "--wait-timeout", "1s");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(result.errLines())
        .containsExactly(
            "error: config version 8 was not applied within 1s by 1 of 2 proxies: edge-2 "
                + "(still at config version 7); replica r3 (127.0.0.1:9911) is missing (not "
                + "answering since 12:00:01: connection refused): proxies pd, pe are not "
                + "counted; replica r4 is missing: its proxies are not counted");
  }

  @Test
  void aCompleteAnswerThatStillNamesAMissingReplicaIsNotTakenForASuccess() {
    serveWaits(
        WaitForAppliedResponse.newBuilder()
            .setComplete(true)
            .addProxies(applied("edge-1", "", 8))
            .setCoverage(R3_MISSING)
            .build());

    Result result = weight("--wait", "--wait-timeout", "1s");

    assertThat(result.exitCode()).isEqualTo(WaitIncompleteException.EXIT_CODE);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith(
            "error: config version 8 was not confirmed within 1s: applied on 1 of 1 "
                + "proxies; replica r3 (127.0.0.1:9911) is missing");
  }

  @Test
  void onATerminalTheProgressSaysAReplicaIsMissing() {
    WaitForAppliedResponse missing =
        WaitForAppliedResponse.newBuilder()
            .addProxies(applied("edge-1", "", 8))
            .addProxies(applied("edge-2", "r2", 7))
            .setCoverage(R3_MISSING)
            .build();
    serveWaits(
        missing,
        WaitForAppliedResponse.newBuilder()
            .setComplete(true)
            .setElapsed(Durations.fromMillis(1500))
            .addProxies(applied("edge-1", "", 8))
            .addProxies(applied("edge-2", "r2", 8))
            .addProxies(applied("pd", "r3", 8))
            .setCoverage(
                FleetCoverage.newBuilder()
                    .setAnsweredBy("r1")
                    .addReplicas("r1")
                    .addReplicas("r2")
                    .addReplicas("r3"))
            .build());

    Result result =
        controlPlane
            .cli()
            .withConsole(TestConsole.terminal())
            .run("backend", "weight", "web", "10.0.0.5:80", "3", "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .endsWith(
            "\r\033[Kwaiting for config version 8: applied on 1 of 2 proxies, replica r3 "
                + "missing (1s) ..."
                + "\r\033[Kapplied on 3 proxies in 1.5s\n");
  }

  @Test
  void oneReplicaAnsweringForItselfReadsAsAnOlderControlPlane() {
    serveWaits(
        WaitForAppliedResponse.newBuilder()
            .setComplete(true)
            .setElapsed(Durations.fromMillis(12))
            .addProxies(applied("edge-1", "", 8))
            .setCoverage(FleetCoverage.newBuilder().setAnsweredBy("r1").addReplicas("r1"))
            .build());

    Result result = weight("--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines()).last().isEqualTo("applied on 1 proxy in 12ms");
  }

  private void serveWaits(WaitForAppliedResponse... responses) {
    controlPlane.service().respondTo(WaitForAppliedRequest.class, responses);
  }

  private Result weight(String... flags) {
    String[] args = {"backend", "weight", "web", "10.0.0.5:80", "3"};
    String[] all = new String[args.length + flags.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(flags, 0, all, args.length, flags.length);
    return controlPlane.cli().run(all);
  }

  private static ProxyApplyStatus applied(String proxy, String replica, long version) {
    return ProxyApplyStatus.newBuilder()
        .setProxyId(proxy)
        .setReplica(replica)
        .setAppliedVersion(version)
        .build();
  }
}
