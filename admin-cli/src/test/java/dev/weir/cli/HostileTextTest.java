package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.CliRunner.Result;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names and reasons weirctl did not write itself reach the terminal with their control characters
 * escaped: a hostile pool name cannot clear the screen, retitle the window or ring the bell of the
 * person reading.
 */
class HostileTextTest {

  private static final String HOSTILE = "web\u001b]0;owned\u0007\u001b[2J";
  private static final String ESCAPED = "web\\x1b]0;owned\\x07\\x1b[2J";

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
  void aNameInTheControlPlanesErrorIsPrintedEscaped() {
    controlPlane
        .service()
        .failWith(
            Status.INVALID_ARGUMENT.withDescription("pool name \"" + HOSTILE + "\" is not valid"));

    Result result = controlPlane.cli().run("pool", "show", "x");

    assertThat(result.err()).isEqualTo("error: pool name \"" + ESCAPED + "\" is not valid\n");
  }

  @Test
  void aNameInATableIsPrintedEscaped() {
    controlPlane
        .service()
        .respondWith(
            ListPoolsResponse.newBuilder()
                .addPools(Pool.newBuilder().setName(HOSTILE).setListen(":8080"))
                .build());

    Result result = controlPlane.cli().run("pool", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).contains(ESCAPED).doesNotContain("\u001b", "\u0007");
  }

  @Test
  void aReplicaNamedByTheControlPlaneIsPrintedEscapedOnStderrAndInTables() {
    FleetCoverage coverage =
        FleetCoverage.newBuilder()
            .setAnsweredBy("r1")
            .addReplicas("r1")
            .addMissing(
                MissingReplica.newBuilder()
                    .setReplicaId(HOSTILE)
                    .setAddress(HOSTILE)
                    .setReason(HOSTILE)
                    .addProxies(HOSTILE))
            .build();
    controlPlane
        .service()
        .respondTo(
            ListConnectionsRequest.class,
            ListConnectionsResponse.newBuilder()
                .addUnansweredProxies(HOSTILE)
                .setCoverage(coverage)
                .build())
        .respondTo(
            ListProxiesRequest.class,
            ListProxiesResponse.newBuilder()
                .addProxies(ProxyInfo.newBuilder().setId("pa").setReplica(HOSTILE))
                .setCoverage(coverage)
                .build());

    Result connections = controlPlane.cli().run("connections");
    Result proxies = controlPlane.cli().run("proxies");

    assertThat(connections.exitCode()).as(connections.err()).isZero();
    assertThat(connections.err()).contains(ESCAPED).doesNotContain("\u001b", "\u0007");
    assertThat(proxies.out()).contains(ESCAPED).doesNotContain("\u001b", "\u0007");
  }

  @Test
  void aValueFromAFileIsPrintedEscapedInTheErrorNamingIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            "pools:\n  - name: web\n    algorithm: \""
                + HOSTILE.replace("\u001b", "\\e").replace("\u0007", "\\a")
                + "\"\n");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .contains("pools[0].algorithm: \"" + ESCAPED + "\" is not one of")
        .doesNotContain("\u001b", "\u0007");
  }

  @Test
  void anArgumentEchoedInAUsageErrorIsPrintedEscaped() {
    Result result = controlPlane.cli().run("pool", HOSTILE);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(ESCAPED).doesNotContain("\u001b", "\u0007");
  }
}
