package dev.weir.cli.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.CloseConnectionResponse;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.MissingReplica;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConnectionsCommandTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  private static final ConnectionInfo WEB =
      ConnectionInfo.newBuilder()
          .setId("edge-1/1748779000000001")
          .setProxyId("edge-1")
          .setSequence(1748779000000001L)
          .setPool("web")
          .setClientAddress("192.0.2.7:51000")
          .setListenAddress("10.0.0.1:8080")
          .setBackendAddress("10.0.0.5:80")
          .setOpenedAt(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 125))
          .setBytesFromClient(512)
          .setBytesToClient(5L * 1024 * 1024 + 300 * 1024)
          .build();
  private static final ConnectionInfo CONNECTING =
      ConnectionInfo.newBuilder()
          .setId("edge-2/1748779100000007")
          .setProxyId("edge-2")
          .setPool("db")
          .setClientAddress("192.0.2.8:40000")
          .setOpenedAt(Timestamp.newBuilder().setSeconds(NOW.getEpochSecond() - 3))
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
  void tableShowsIdPoolClientBackendAgeAndHumanBytes() {
    controlPlane
        .service()
        .respondWith(
            ListConnectionsResponse.newBuilder()
                .addConnections(WEB)
                .addConnections(CONNECTING)
                .build());

    Result result =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("connections");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "ID                        POOL   CLIENT            BACKEND        AGE   IN      OUT",
            "edge-1/1748779000000001   web    192.0.2.7:51000   10.0.0.5:80    2m    512 B   5.3 MiB",
            "edge-2/1748779100000007   db     192.0.2.8:40000   (connecting)   3s    0 B     0 B");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void tableShowsTheServerNameOfTlsRoutedConnectionsInAnSniColumn() {
    controlPlane
        .service()
        .respondWith(
            ListConnectionsResponse.newBuilder()
                .addConnections(WEB.toBuilder().setServerName("www.example.com"))
                .addConnections(CONNECTING)
                .build());

    Result result =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("connections");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "ID                        POOL   CLIENT            SNI               BACKEND        AGE"
                + "   IN      OUT",
            "edge-1/1748779000000001   web    192.0.2.7:51000   www.example.com   10.0.0.5:80    2m "
                + "   512 B   5.3 MiB",
            "edge-2/1748779100000007   db     192.0.2.8:40000   -                 (connecting)   3s "
                + "   0 B     0 B");
  }

  @Test
  void filtersAndLimitGoToTheControlPlane() {
    controlPlane.service().respondWith(ListConnectionsResponse.getDefaultInstance());

    Result result =
        controlPlane
            .cli()
            .run(
                "connections",
                "--pool",
                "web",
                "--backend",
                "10.0.0.5:80",
                "--proxy",
                "edge-1",
                "--limit",
                "20");

    assertThat(result.out()).isEqualTo("No connections.\n");
    assertThat(controlPlane.service().onlyRequest(ListConnectionsRequest.class))
        .isEqualTo(
            ListConnectionsRequest.newBuilder()
                .setPool("web")
                .setBackend("10.0.0.5:80")
                .setProxy("edge-1")
                .setLimit(20)
                .build());
  }

  @Test
  void proxiesThatDidNotAnswerAreNamedOnStderrAndTheCommandStillSucceeds() throws Exception {
    ListConnectionsResponse partial =
        ListConnectionsResponse.newBuilder()
            .addConnections(WEB)
            .addUnansweredProxies("edge-3")
            .addUnansweredProxies("old-1")
            .setTruncated(true)
            .build();
    controlPlane.service().respondWith(partial);

    Result result = controlPlane.cli().run("connections", "-o", "json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.errLines())
        .containsExactly(
            "warning: no answer from edge-3, old-1 within "
                + "the deadline; their connections are not listed");
    ListConnectionsResponse.Builder parsed = ListConnectionsResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(partial);
  }

  @Test
  void aMissingReplicaIsNamedOnStderrBesideTheSilentProxiesAndTheCommandStillSucceeds()
      throws Exception {
    ListConnectionsResponse partial =
        ListConnectionsResponse.newBuilder()
            .addConnections(WEB)
            .addUnansweredProxies("edge-3")
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
            .build();
    controlPlane.service().respondWith(partial);

    Result table =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("connections");
    Result json = controlPlane.cli().run("connections", "-o", "json");

    assertThat(table.exitCode()).isZero();
    assertThat(table.outLines()).hasSize(2);
    assertThat(table.errLines())
        .containsExactly(
            "warning: replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: "
                + "connection refused): proxies pb, pc are not counted",
            "warning: no answer from edge-3 within the deadline; their connections are not listed");
    assertThat(json.errLines()).isEqualTo(table.errLines());
    ListConnectionsResponse.Builder parsed = ListConnectionsResponse.newBuilder();
    JsonFormat.parser().merge(json.out(), parsed);
    assertThat(parsed.build()).isEqualTo(partial);
  }

  @Test
  void oneReplicaAnsweringForItselfWarnsOfNothing() {
    controlPlane
        .service()
        .respondWith(
            ListConnectionsResponse.newBuilder()
                .addConnections(WEB)
                .addConnections(CONNECTING)
                .setCoverage(FleetCoverage.newBuilder().setAnsweredBy("r1").addReplicas("r1"))
                .build());

    Result result =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("connections");

    assertThat(result.outLines()).hasSize(3);
    assertThat(result.err()).isEmpty();
  }

  @Test
  void aTruncatedTableSaysSo() {
    controlPlane
        .service()
        .respondWith(
            ListConnectionsResponse.newBuilder().addConnections(WEB).setTruncated(true).build());

    Result result =
        controlPlane.cli().withClock(Clock.fixed(NOW, ZoneOffset.UTC)).run("connections");

    assertThat(result.outLines()).last().asString().startsWith("(more connections match");
  }

  @Test
  void closeClosesEachIdInTurnAndSaysWhatItClosed() {
    controlPlane
        .service()
        .respondTo(
            CloseConnectionRequest.class,
            CloseConnectionResponse.newBuilder().setConnection(WEB).build(),
            CloseConnectionResponse.newBuilder().setConnection(CONNECTING).build());

    Result result = controlPlane.cli().run("connections", "close", WEB.getId(), CONNECTING.getId());

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().requests(CloseConnectionRequest.class))
        .extracting(CloseConnectionRequest::getId)
        .containsExactly(WEB.getId(), CONNECTING.getId());
    assertThat(result.outLines())
        .containsExactly(
            "closed edge-1/1748779000000001 (pool web, client 192.0.2.7:51000, backend 10.0.0.5:80)",
            "closed edge-2/1748779100000007 (pool db, client 192.0.2.8:40000, backend none yet)");
  }

  @Test
  void closingAConnectionThatIsGoneIsRefusedWithExitCode1() {
    controlPlane
        .service()
        .failWith(
            Status.NOT_FOUND.withDescription("connection edge-1/5 is not open on proxy edge-1"));

    Result result = controlPlane.cli().run("connections", "close", "edge-1/5", "edge-1/6");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly("error: connection edge-1/5 is not open on proxy edge-1");
    assertThat(controlPlane.service().requests(CloseConnectionRequest.class))
        .as("stops at the first failure")
        .hasSize(1);
  }

  @Test
  void closeWithoutAnIdIsAUsageError() {
    assertThat(controlPlane.cli().run("connections", "close").exitCode()).isEqualTo(2);
  }
}
