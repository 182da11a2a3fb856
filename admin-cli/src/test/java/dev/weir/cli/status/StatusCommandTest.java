package dev.weir.cli.status;

import static dev.weir.cli.status.FleetFixture.API;
import static dev.weir.cli.status.FleetFixture.PROXIES;
import static dev.weir.cli.status.FleetFixture.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.cli.CliRunner;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import dev.weir.cli.TestConsole;
import io.grpc.Status;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatusCommandTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  private CliRunner cli() {
    TestConsole console = TestConsole.script();
    return controlPlane
        .cli()
        .withClock(console.clock())
        .withConsole(console)
        .withEnvironment("WEIR_CONTROL_PLANE", "cp.example:9900");
  }

  @Test
  void tableShowsEveryPoolsBackendsAndEveryProxyUnderOneHeader() {
    FleetFixture.serve(controlPlane.service());

    Result result = cli().run("status");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.outLines().get(0))
        .isEqualTo("Control plane cp.example:9900, config version 42, proxies 2/3 connected");
    assertThat(result.out())
        .contains(
            "Pool web  listen :8080  round-robin\n", "Pool api  listen 127.0.0.1:9000  maglev\n");
    // One backends table per pool.
    assertThat(result.outLines().stream().filter(line -> line.startsWith("ADDRESS ")))
        .hasSize(2)
        .allSatisfy(
            header ->
                assertThat(header.split(" {2,}"))
                    .containsExactly(
                        "ADDRESS", "WEIGHT", "STATE", "HEALTH", "ACTIVE", "FAIL/S", "FAILURES"));
    assertThat(cells(result, "10.0.0.5:80"))
        .containsExactly("10.0.0.5:80", "3 (eff 2)", "active", "healthy 2/2", "12", "0.3", "3");
    assertThat(cells(result, "10.0.0.6:80"))
        .containsExactly("10.0.0.6:80", "1", "draining 4 left", "healthy 2/2", "4", "0", "0");
    assertThat(cells(result, "10.0.0.7:80"))
        .containsExactly("10.0.0.7:80", "1", "active", "unhealthy 0/2", "0", "12", "310");
    assertThat(cells(result, "10.0.1.1:9000"))
        .containsExactly(
            "10.0.1.1:9000", "1", "drained (2 cut)", "damped 1m left 1/2", "0", "0", "0");
    assertThat(cells(result, "PROXY"))
        .containsExactly("PROXY", "STATUS", "SINCE", "APPLIED", "BEHIND", "LAST SEEN");
    assertThat(cells(result, "proxy-a"))
        .containsExactly("proxy-a", "connected", "3m", "42", "0", "4s");
    assertThat(cells(result, "proxy-b"))
        .containsExactly("proxy-b", "disconnected", "2h", "40", "2", "2h");
    assertThat(cells(result, "proxy-c"))
        .containsExactly("proxy-c", "connected", "5s", "-", "42", "5s");
    // Pools in the order ListPools gave them, then the proxies; the damped backend explained.
    assertThat(result.out())
        .containsSubsequence(
            "Pool web", "Pool api", "damped: its health " + "flipped 3 times within 2m", "PROXY");
    assertThat(controlPlane.service().requests(GetPoolStatusRequest.class))
        .extracting(GetPoolStatusRequest::getName)
        .containsExactly("web", "api");
  }

  @Test
  void aProxyWithAFailedPoolIsShownWithThePoolAndItsReason() {
    FleetFixture.serve(controlPlane.service());
    controlPlane
        .service()
        .respondTo(
            ListProxiesRequest.class,
            FleetFixture.PROXIES.toBuilder()
                .setProxies(
                    0,
                    FleetFixture.CURRENT.toBuilder()
                        .addFailedPools(
                            PoolApplyFailure.newBuilder()
                                .setPool("api")
                                .setListen("127.0.0.1:9000")
                                .setReason(
                                    "cannot listen on 127.0.0.1:9000: Address already in use")))
                .build());

    Result result = cli().run("status");

    assertThat(result.exitCode()).isZero();
    assertThat(cells(result, "PROXY"))
        .containsExactly(
            "PROXY", "STATUS", "SINCE", "APPLIED", "BEHIND", "LAST SEEN", "FAILED POOLS");
    assertThat(cells(result, "proxy-a"))
        .containsExactly("proxy-a", "connected", "3m", "42", "0", "4s", "api");
    assertThat(result.outLines())
        .endsWith(
            "pool api failed on proxy proxy-a: cannot listen on "
                + "127.0.0.1:9000: Address already in use (not served there; retrying)");
  }

  @Test
  void tableFitsA100ColumnTerminal() {
    FleetFixture.serve(controlPlane.service());

    Result result = cli().run("status");

    assertThat(result.outLines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void jsonIsOneObjectAroundTheApiMessages() throws Exception {
    FleetFixture.serve(controlPlane.service());

    Result result = cli().run("status", "-o", "json");

    assertThat(result.exitCode()).isZero();
    JsonObject status = JsonParser.parseString(result.out()).getAsJsonObject();
    assertThat(status.keySet())
        .containsExactly(
            "controlPlane",
            "configVersion",
            "proxiesConnected",
            "proxiesTotal",
            "pools",
            "proxies");
    assertThat(status.get("controlPlane").getAsString()).isEqualTo("cp.example:9900");
    assertThat(status.get("configVersion").getAsString()).isEqualTo("42");
    assertThat(status.get("proxiesConnected").getAsInt()).isEqualTo(2);
    assertThat(status.get("proxiesTotal").getAsInt()).isEqualTo(3);

    JsonArray pools = status.getAsJsonArray("pools");
    assertThat(pools).hasSize(2);
    assertThat(parsePool(pools.get(0).toString())).isEqualTo(WEB);
    assertThat(parsePool(pools.get(1).toString())).isEqualTo(API);

    JsonArray proxies = status.getAsJsonArray("proxies");
    assertThat(proxies).hasSize(3);
    List<String> behind =
        proxies.asList().stream()
            .map(proxy -> proxy.getAsJsonObject().get("versionsBehind").getAsString())
            .toList();
    assertThat(behind).containsExactly("0", "2", "42");
    JsonObject gone = proxies.get(1).getAsJsonObject();
    gone.remove("versionsBehind");
    ProxyInfo.Builder parsed = ProxyInfo.newBuilder();
    JsonFormat.parser().merge(gone.toString(), parsed);
    assertThat(parsed.build()).isEqualTo(PROXIES.getProxies(1));
    // Default values are present, as in every other command's JSON.
    assertThat(proxies.get(2).getAsJsonObject().get("lastAppliedVersion").getAsString())
        .isEqualTo("0");
  }

  @Test
  void missingReplicasAreNamedUnderTheHeaderAndEachProxyShowsItsReplica() {
    FleetFixture.serve(controlPlane.service());
    servePartialFleet();

    Result result = cli().run("status");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines().subList(0, 4))
        .containsExactly(
            "Control plane cp.example:9900, config version 42, proxies 2/3 connected",
            "replica r3 (127.0.0.1:9911) is missing (not answering since 12:00:01: connection "
                + "refused): proxies pd, pe are not counted",
            "replica r4 is missing (link not in sync yet): its proxies are not counted",
            "");
    assertThat(cells(result, "10.0.0.6:80"))
        .containsExactly(
            "10.0.0.6:80",
            "1",
            "draining 4 left, replica r3 unaccounted",
            "healthy 2/2",
            "4",
            "0",
            "0");
    assertThat(cells(result, "PROXY"))
        .containsExactly("PROXY", "REPLICA", "STATUS", "SINCE", "APPLIED", "BEHIND", "LAST SEEN");
    assertThat(cells(result, "proxy-a"))
        .containsExactly("proxy-a", "r1", "connected", "3m", "42", "0", "4s");
    assertThat(cells(result, "proxy-c"))
        .containsExactly("proxy-c", "r2", "connected", "5s", "-", "42", "5s");
  }

  @Test
  void oneReplicaAnsweringForItselfPrintsTheTableAnOlderControlPlaneGets() {
    FleetFixture.serve(controlPlane.service());
    String older = cli().run("status").out();
    FleetCoverage alone = FleetCoverage.newBuilder().setAnsweredBy("r1").addReplicas("r1").build();
    controlPlane
        .service()
        .respondTo(
            GetPoolStatusRequest.class,
            WEB.toBuilder().setCoverage(alone).build(),
            API.toBuilder().setCoverage(alone).build())
        .respondTo(ListProxiesRequest.class, PROXIES.toBuilder().setCoverage(alone).build());

    assertThat(cli().run("status").out()).isEqualTo(older);
  }

  @Test
  void jsonCarriesTheProxyListsCoverageAsTheApiDoes() throws Exception {
    FleetFixture.serve(controlPlane.service());
    FleetCoverage coverage = servePartialFleet();

    Result result = cli().run("status", "-o", "json");

    JsonObject status = JsonParser.parseString(result.out()).getAsJsonObject();
    FleetCoverage.Builder parsed = FleetCoverage.newBuilder();
    JsonFormat.parser().merge(status.get("coverage").toString(), parsed);
    assertThat(parsed.build()).isEqualTo(coverage);
    assertThat(
            parsePool(status.getAsJsonArray("pools").get(0).toString())
                .getCoverage()
                .getMissing(0)
                .getReplicaId())
        .isEqualTo("r3");
  }

  // Replicas r1 and r2 answer; r3 is down (the proxy list and pool web say so), and pool api,
  // read a moment before, names r4 as not in sync yet.
  private FleetCoverage servePartialFleet() {
    MissingReplica r3 =
        MissingReplica.newBuilder()
            .setReplicaId("r3")
            .setAddress("127.0.0.1:9911")
            .setReason("not answering since 12:00:01: connection refused")
            .addProxies("pd")
            .addProxies("pe")
            .build();
    FleetCoverage coverage =
        FleetCoverage.newBuilder()
            .setAnsweredBy("r1")
            .addReplicas("r1")
            .addReplicas("r2")
            .addMissing(r3)
            .build();
    PoolStatus.Builder web = WEB.toBuilder().setCoverage(coverage);
    web.getBackendsBuilder(1)
        .setDrain(
            DrainStatus.newBuilder()
                .setState(DrainStatus.State.DRAINING)
                .setRemainingConnections(4)
                .addUnaccountedReplicas("r3"));
    PoolStatus api =
        API.toBuilder()
            .setCoverage(
                coverage.toBuilder()
                    .addMissing(
                        MissingReplica.newBuilder()
                            .setReplicaId("r4")
                            .setReason("link not in sync yet")))
            .build();
    controlPlane
        .service()
        .respondTo(GetPoolStatusRequest.class, web.build(), api)
        .respondTo(
            ListProxiesRequest.class,
            PROXIES.toBuilder()
                .setProxies(2, FleetFixture.NEW.toBuilder().setReplica("r2"))
                .setCoverage(coverage)
                .build());
    return coverage;
  }

  @Test
  void anEmptyFleetSaysSo() {
    controlPlane
        .service()
        .respondTo(ListPoolsRequest.class, ListPoolsResponse.getDefaultInstance())
        .respondTo(
            ListProxiesRequest.class, ListProxiesResponse.newBuilder().setConfigVersion(1).build());

    Result result = cli().run("status");
    Result json = cli().run("status", "-o", "json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "Control plane cp.example:9900, config version 1, proxies 0/0 connected",
            "",
            "No pools.",
            "No proxies.");
    JsonObject status = JsonParser.parseString(json.out()).getAsJsonObject();
    assertThat(status.getAsJsonArray("pools")).isEmpty();
    assertThat(status.getAsJsonArray("proxies")).isEmpty();
  }

  @Test
  void anUnreachableControlPlaneIsExitCode3() {
    controlPlane.service().failWith(Status.UNAVAILABLE.withDescription("connection refused"));

    Result result = cli().run("status");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo("error: cannot reach control plane at cp.example:9900: connection refused\n");
  }

  // The cells of the one line starting with {@code first}: columns are 3+ spaces apart, and
  // words within a cell one.
  private static List<String> cells(Result result, String first) {
    List<String> lines =
        result.outLines().stream().filter(line -> line.startsWith(first + " ")).toList();
    assertThat(lines).as("lines starting with %s", first).hasSize(1);
    return Arrays.asList(lines.get(0).split(" {2,}"));
  }

  private static PoolStatus parsePool(String json) throws Exception {
    PoolStatus.Builder pool = PoolStatus.newBuilder();
    JsonFormat.parser().merge(json, pool);
    return pool.build();
  }
}
