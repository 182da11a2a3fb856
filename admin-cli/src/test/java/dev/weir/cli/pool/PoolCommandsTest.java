package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolStatus;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PoolCommandsTest {

  private static final Pool WEB =
      Pool.newBuilder()
          .setName("web")
          .setListen(":8080")
          .setAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN)
          .addBackends(backend("10.0.0.5:80", 3, BackendState.ACTIVE))
          .addBackends(backend("10.0.0.6:80", 1, BackendState.DRAINING))
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
  void createSendsNameListenAlgorithmAndBackendsWithWeightsOnlyWhereGiven() {
    controlPlane.service().respondWith(poolResponse(7));

    Result result =
        controlPlane
            .cli()
            .run(
                "pool",
                "create",
                "web",
                "--listen",
                ":8080",
                "--algorithm",
                "weighted-round-robin",
                "--backend",
                "10.0.0.5:80=3",
                "--backend",
                "[::1]:81");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class))
        .isEqualTo(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .setAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN)
                .addBackends(Backend.newBuilder().setAddress("10.0.0.5:80").setWeight(3))
                .addBackends(Backend.newBuilder().setAddress("[::1]:81"))
                .build());
  }

  @ParameterizedTest
  @CsvSource({"round-robin, ROUND_ROBIN", "weighted-round-robin, WEIGHTED_ROUND_ROBIN"})
  void createMapsEachAlgorithmNameToItsEnumValue(String name, Algorithm expected) {
    controlPlane.service().respondWith(poolResponse(1));

    controlPlane.cli().run("pool", "create", "web", "--listen", ":80", "--algorithm", name);

    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getAlgorithm())
        .isEqualTo(expected);
  }

  @Test
  void createWithoutAlgorithmLeavesTheDefaultToTheServer() {
    controlPlane.service().respondWith(poolResponse(1));

    controlPlane.cli().run("pool", "create", "web", "--listen", "0.0.0.0:8080");

    CreatePoolRequest request = controlPlane.service().onlyRequest(CreatePoolRequest.class);
    assertThat(request.getAlgorithm()).isEqualTo(Algorithm.ALGORITHM_UNSPECIFIED);
    assertThat(request.getBackendsList()).isEmpty();
  }

  @Test
  void createPrintsOneConfirmationLineWithTheConfigVersion() {
    controlPlane.service().respondWith(poolResponse(7));

    Result result = controlPlane.cli().run("pool", "create", "web", "--listen", ":8080");

    assertThat(result.out()).isEqualTo("pool web created (config version 7)\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void createAsJsonPrintsTheResponseMessage() throws Exception {
    PoolResponse response = poolResponse(7);
    controlPlane.service().respondWith(response);

    Result result =
        controlPlane.cli().run("-o", "json", "pool", "create", "web", "--listen", ":8080");

    PoolResponse.Builder parsed = PoolResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(response);
  }

  @Test
  void unknownAlgorithmIsAUsageErrorNamingTheAllowedValues() {
    Result result =
        controlPlane.cli().run("pool", "create", "web", "--listen", ":80", "--algorithm", "random");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith("error: ")
        .contains("'random'", "round-robin, weighted-round-robin", "weirctl pool create --help");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void missingListenIsAUsageError() {
    Result result = controlPlane.cli().run("pool", "create", "web");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--listen");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void missingPoolNameIsAUsageError() {
    Result result = controlPlane.cli().run("pool", "show");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("NAME");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void listenAddressWithoutPortIsAUsageError() {
    Result result = controlPlane.cli().run("pool", "create", "web", "--listen", "0.0.0.0");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'0.0.0.0' is not [HOST]:PORT: missing port");
  }

  @Test
  void backendWeightThatIsNotANumberIsAUsageError() {
    Result result =
        controlPlane
            .cli()
            .run("pool", "create", "web", "--listen", ":80", "--backend", "10.0.0.5:80=heavy");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("weight must be a whole number, got 'heavy'");
  }

  @Test
  void listPrintsAHeaderAndOneRowPerPool() {
    controlPlane
        .service()
        .respondWith(
            ListPoolsResponse.newBuilder()
                .addPools(WEB)
                .addPools(
                    Pool.newBuilder()
                        .setName("db")
                        .setListen("10.0.0.1:5432")
                        .setAlgorithm(Algorithm.ROUND_ROBIN))
                .setConfigVersion(9)
                .build());

    Result result = controlPlane.cli().run("pool", "list");

    assertThat(controlPlane.service().onlyRequest(ListPoolsRequest.class)).isNotNull();
    assertThat(result.outLines())
        .containsExactly(
            "NAME   LISTEN          ALGORITHM              BACKENDS",
            "web    :8080           weighted-round-robin   2",
            "db     10.0.0.1:5432   round-robin            0");
  }

  @Test
  void listWithNoPoolsSaysSo() {
    controlPlane.service().respondWith(ListPoolsResponse.getDefaultInstance());

    assertThat(controlPlane.cli().run("pool", "list").out()).isEqualTo("No pools.\n");
  }

  @Test
  void listAsJsonParsesBackIntoTheResponse() throws Exception {
    ListPoolsResponse response =
        ListPoolsResponse.newBuilder().addPools(WEB).setConfigVersion(9).build();
    controlPlane.service().respondWith(response);

    Result result = controlPlane.cli().run("pool", "list", "-o", "json");

    ListPoolsResponse.Builder parsed = ListPoolsResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(response);
    assertThat(result.out())
        .contains("\"configVersion\": \"9\"", "\"algorithm\": \"WEIGHTED_ROUND_ROBIN\"");
  }

  @Test
  void showAsksForThePoolStatusAndPrintsEachBackendsFigures() {
    controlPlane.service().respondWith(status());

    Result result = controlPlane.cli().run("pool", "show", "web");

    assertThat(controlPlane.service().onlyRequest(GetPoolStatusRequest.class).getName())
        .isEqualTo("web");
    assertThat(result.outLines())
        .containsExactly(
            "Name:            web",
            "Listen:          :8080",
            "Algorithm:       weighted-round-robin",
            "Config version:  12",
            "",
            "ADDRESS       WEIGHT   STATE      ACTIVE   TOTAL   FAILURES   HEALTHY   UNHEALTHY",
            "10.0.0.5:80   3        active     4        120     2          2         1",
            "10.0.0.6:80   1        draining   1        80      0          3         0");
  }

  @Test
  void showAsJsonParsesBackAndKeepsKeysWhoseValueIsTheDefault() throws Exception {
    PoolStatus status = status();
    controlPlane.service().respondWith(status);

    Result result = controlPlane.cli().run("pool", "show", "web", "-o", "json");

    PoolStatus.Builder parsed = PoolStatus.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(status);
    assertThat(result.out()).contains("\"unhealthyProxies\": 0", "\"bytesToClient\": \"0\"");
  }

  @Test
  void deleteSendsTheNameAndConfirms() {
    controlPlane.service().respondWith(DeletePoolResponse.newBuilder().setConfigVersion(8).build());

    Result result = controlPlane.cli().run("pool", "delete", "web");

    assertThat(controlPlane.service().onlyRequest(DeletePoolRequest.class).getName())
        .isEqualTo("web");
    assertThat(result.out()).isEqualTo("pool web deleted (config version 8)\n");
  }

  private static PoolResponse poolResponse(long configVersion) {
    return PoolResponse.newBuilder().setPool(WEB).setConfigVersion(configVersion).build();
  }

  private static PoolStatus status() {
    return PoolStatus.newBuilder()
        .setPool(WEB)
        .setConfigVersion(12)
        .addBackends(
            BackendStatus.newBuilder()
                .setAddress("10.0.0.5:80")
                .setWeight(3)
                .setState(BackendState.ACTIVE)
                .setActiveConnections(4)
                .setTotalConnections(120)
                .setConnectFailures(2)
                .setBytesToBackend(5000)
                .setHealthyProxies(2)
                .setUnhealthyProxies(1))
        .addBackends(
            BackendStatus.newBuilder()
                .setAddress("10.0.0.6:80")
                .setWeight(1)
                .setState(BackendState.DRAINING)
                .setActiveConnections(1)
                .setTotalConnections(80)
                .setHealthyProxies(3))
        .build();
  }

  private static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }
}
