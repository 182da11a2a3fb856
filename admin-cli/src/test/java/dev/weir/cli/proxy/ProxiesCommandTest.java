package dev.weir.cli.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxiesCommandTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private static final ProxyInfo CURRENT =
      ProxyInfo.newBuilder()
          .setId("proxy-a")
          .setAddress("10.0.0.9:51234")
          .setHostname("edge-1")
          .setVersion("0.1.0")
          .setConnected(true)
          .setConnectedSince(ago(Duration.ofMinutes(3).plusSeconds(20)))
          .setLastSentVersion(7)
          .setLastAckedVersion(7)
          .setLastAppliedVersion(7)
          .setLastPushLatency(Durations.fromMillis(42))
          .setLastReportAt(ago(Duration.ofSeconds(4)))
          .build();

  private static final ProxyInfo GONE_AFTER_NACK =
      ProxyInfo.newBuilder()
          .setId("proxy-b")
          .setAddress("10.0.0.8:40000")
          .setConnected(false)
          .setConnectedSince(ago(Duration.ofDays(3)))
          .setDisconnectedAt(ago(Duration.ofHours(2)))
          .setLastSentVersion(6)
          .setLastAckedVersion(6)
          .setLastAppliedVersion(5)
          .setLastPushLatency(Durations.fromMicros(850))
          .setLastNackVersion(6)
          .setLastNackReason("pool web: cannot listen on 0.0.0.0:8080: address already in use")
          .build();

  private static final ProxyInfo JUST_CONNECTED =
      ProxyInfo.newBuilder()
          .setId("proxy-c")
          .setAddress("10.0.0.7:40001")
          .setConnected(true)
          .setConnectedSince(ago(Duration.ofSeconds(5)))
          .build();

  private static final ListProxiesResponse RESPONSE =
      ListProxiesResponse.newBuilder()
          .addProxies(CURRENT)
          .addProxies(GONE_AFTER_NACK)
          .addProxies(JUST_CONNECTED)
          .setConfigVersion(7)
          .build();

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
  void tableShowsStatusAgeConfigVersionsPushLatencyAndTheLastNack() {
    controlPlane.service().respondWith(RESPONSE);

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(controlPlane.service().onlyRequest(ListProxiesRequest.class)).isNotNull();
    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "ID        ADDRESS          STATUS         SINCE   SENT   APPLIED   LATEST   "
                + "PUSH    LAST NACK",
            "proxy-a   10.0.0.9:51234   connected      3m      7      7         7        "
                + "42ms    -",
            "proxy-b   10.0.0.8:40000   disconnected   2h      6      5         7        "
                + "850us   v6 rejected: pool web: cannot listen on 0.0.0.0:8080: address already "
                + "in use",
            "proxy-c   10.0.0.7:40001   connected      5s      -      -         7        "
                + "-       -");
  }

  @Test
  void aVersionAckedThenRejectedReadsAsRejectedOnlyAndAnOldNackSaysWhatCameSince() {
    // The proxy found version 31 valid (ACK) but could not put it in force (NACK).
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .setConfigVersion(32)
                .addProxies(
                    CURRENT.toBuilder()
                        .setLastSentVersion(31)
                        .setLastAckedVersion(31)
                        .setLastAppliedVersion(30)
                        .setLastNackVersion(31)
                        .setLastNackReason("boom"))
                .addProxies(
                    JUST_CONNECTED.toBuilder()
                        .setLastSentVersion(32)
                        .setLastAckedVersion(32)
                        .setLastAppliedVersion(32)
                        .setLastNackVersion(31)
                        .setLastNackReason("boom"))
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.outLines().get(0)).doesNotContain("ACKED");
    assertThat(result.outLines().get(1).split(" {2,}"))
        .containsExactly(
            "proxy-a",
            "10.0.0.9:51234",
            "connected",
            "3m",
            "31",
            "30",
            "32",
            "42ms",
            "v31 rejected: boom");
    assertThat(result.outLines().get(2).split(" {2,}"))
        .containsExactly(
            "proxy-c",
            "10.0.0.7:40001",
            "connected",
            "5s",
            "32",
            "32",
            "32",
            "-",
            "v31 rejected, 32 applied since: boom");
  }

  @Test
  void aProxyWithFailedPoolsGetsAColumnAndALinePerPoolWithItsReason() {
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .setConfigVersion(7)
                .addProxies(
                    CURRENT.toBuilder()
                        .addFailedPools(
                            PoolApplyFailure.newBuilder()
                                .setPool("busy")
                                .setListen("0.0.0.0:8080")
                                .setReason("cannot listen on 0.0.0.0:8080: Address already in use")
                                .setServingPrevious(true)))
                .addProxies(JUST_CONNECTED)
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "ID        ADDRESS          STATUS      SINCE   SENT   APPLIED   LATEST   PUSH"
                + "   LAST NACK   FAILED POOLS",
            "proxy-a   10.0.0.9:51234   connected   3m      7      7         7        42ms"
                + "   -           busy",
            "proxy-c   10.0.0.7:40001   connected   5s      -      -         7        -   "
                + "   -           -",
            "pool busy failed on proxy proxy-a: cannot listen on 0.0.0.0:8080: Address already in "
                + "use (serving its previous config; retrying)");
  }

  @Test
  void aRefusingProxyIsFlaggedInItsStatusAndTheWayOutIsPrintedUnderTheTable() {
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .addProxies(
                    CURRENT.toBuilder()
                        .setRefusing(NackKind.OTHER_FLEET)
                        .setServingFleetId("1a2b")
                        .setServingVersion(10)
                        .setLastNackVersion(1)
                        .setLastNackReason("refused config version 1 of fleet 8f3c"))
                .setConfigVersion(1)
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.outLines().get(1))
        .startsWith("proxy-a   10.0.0.9:51234   connected, REFUSING (other fleet)   3m");
    // What it serves is another fleet's version 10, not this control plane's: no APPLIED.
    assertThat(result.outLines().get(1).split(" {2,}"))
        .containsSubsequence(
            "3m", "7", "-", "1", "42ms", "v1 rejected: refused config version 1 of fleet 8f3c");
    assertThat(result.outLines())
        .endsWith(
            "",
            "proxy proxy-a refuses this control plane's config (other fleet) and keeps serving "
                + "version 10 of fleet 1a2b",
            "to make the proxies take this control plane's pools: weirctl fleet adopt (try "
                + "--dry-run first)");
  }

  @Test
  void noProxiesSaysSo() {
    controlPlane
        .service()
        .respondWith(ListProxiesResponse.newBuilder().setConfigVersion(3).build());

    assertThat(controlPlane.cli().run("proxies").out()).isEqualTo("No proxies.\n");
  }

  @Test
  void jsonParsesBackIntoTheResponseWithTimestampsDefaultValuedKeysAndNumbers() throws Exception {
    controlPlane.service().respondWith(RESPONSE);

    Result result = controlPlane.cli().run("proxies", "-o", "json");

    ListProxiesResponse.Builder parsed = ListProxiesResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(RESPONSE);
    assertThat(result.out())
        .contains(
            "\"connectedSince\": \"2025-06-01T11:56:40Z\"",
            "\"connected\": false",
            "\"lastNackReason\": \"\"",
            "\"lastAckedVersion\": 0",
            "\"lastAppliedVersion\": 7",
            "\"lastPushLatency\": \"0.042s\"");
  }

  @Test
  void anAnswerOverSeveralReplicasNamesEachProxysReplicaAndEveryMissingOneUnderTheTable() {
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .setConfigVersion(7)
                .addProxies(CURRENT)
                .addProxies(JUST_CONNECTED.toBuilder().setReplica("r2"))
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("r1")
                        .addReplicas("r1")
                        .addReplicas("r2")
                        .addMissing(
                            MissingReplica.newBuilder()
                                .setReplicaId("r3")
                                .setAddress("127.0.0.1:9911")
                                .setReason("not answering since 12:00:01: connection refused")
                                .addProxies("pb")
                                .addProxies("pc")))
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "ID        ADDRESS          REPLICA   STATUS      SINCE   SENT   APPLIED   LATEST   "
                + "PUSH   LAST NACK",
            "proxy-a   10.0.0.9:51234   r1        connected   3m      7      7         7        "
                + "42ms   -",
            "proxy-c   10.0.0.7:40001   r2        connected   5s      -      -         7        "
                + "-      -",
            "replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: connection "
                + "refused): proxies pb, pc are not counted");
  }

  @Test
  void oneReplicaAnsweringForItselfPrintsExactlyWhatAnOlderControlPlaneGets() {
    controlPlane.service().respondWith(RESPONSE);
    String older =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies").out();
    controlPlane
        .service()
        .respondWith(
            RESPONSE.toBuilder()
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("127.0.0.1:9901")
                        .addReplicas("127.0.0.1:9901"))
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.out()).isEqualTo(older).doesNotContain("REPLICA", "replica");
  }

  @Test
  void aMissingReplicaIsNamedEvenWhenNoProxyIsListedAndItsReasonCannotBreakTheLine() {
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .setConfigVersion(3)
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("r1")
                        .addReplicas("r1")
                        .addMissing(
                            MissingReplica.newBuilder()
                                .setReplicaId("r2")
                                .setReason("link not in sync yet\n\u001b[2Jforged line"))
                        .addMissing(
                            MissingReplica.newBuilder().setReplicaId("r3").addProxies("pd")))
                .build());

    Result result = controlPlane.cli().run("proxies");

    assertThat(result.outLines())
        .containsExactly(
            "No proxies.",
            "replica r2 is missing (link not in sync yet\\x0a\\x1b[2Jforged line): its proxies are "
                + "not counted",
            "replica r3 is missing: proxy pd is not counted");
  }

  @Test
  void aReplicaThatServedManyProxiesNamesTheFirstFiveAndCountsTheRest() {
    MissingReplica.Builder missing = MissingReplica.newBuilder().setReplicaId("r3");
    for (int i = 1; i <= 8; i++) {
      missing.addProxies("p" + i);
    }
    controlPlane
        .service()
        .respondWith(
            ListProxiesResponse.newBuilder()
                .addProxies(CURRENT)
                .setCoverage(
                    FleetCoverage.newBuilder()
                        .setAnsweredBy("r1")
                        .addReplicas("r1")
                        .addMissing(missing))
                .build());

    Result result = controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("proxies");

    assertThat(result.outLines())
        .last()
        .isEqualTo("replica r3 is missing: proxies p1, p2, p3, p4, p5 and 3 more are not counted");
  }

  @Test
  void jsonCarriesTheCoverageAsTheApiDoes() throws Exception {
    ListProxiesResponse partial =
        RESPONSE.toBuilder()
            .setProxies(2, JUST_CONNECTED.toBuilder().setReplica("r2"))
            .setCoverage(
                FleetCoverage.newBuilder()
                    .setAnsweredBy("r1")
                    .addReplicas("r1")
                    .addReplicas("r2")
                    .addMissing(
                        MissingReplica.newBuilder()
                            .setReplicaId("r3")
                            .setAddress("127.0.0.1:9911")
                            .setReason("stream failed")
                            .addProxies("pb")))
            .build();
    controlPlane.service().respondWith(partial);

    Result result = controlPlane.cli().run("proxies", "-o", "json");

    ListProxiesResponse.Builder parsed = ListProxiesResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(partial);
    assertThat(result.out()).contains("\"answeredBy\": \"r1\"", "\"replica\": \"r2\"");
  }

  private static Timestamp ago(Duration age) {
    Instant then = NOW.minus(age);
    return Timestamp.newBuilder()
        .setSeconds(then.getEpochSecond())
        .setNanos(then.getNano())
        .build();
  }
}
