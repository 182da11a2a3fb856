package dev.weir.cli.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DeletePoolResponse;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.Tuning;
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
  @CsvSource({
    "round-robin, ROUND_ROBIN",
    "weighted-round-robin, WEIGHTED_ROUND_ROBIN",
    "least-connections, LEAST_CONNECTIONS",
    "p2c, P2C",
    "maglev, MAGLEV"
  })
  void createMapsEachAlgorithmNameToItsEnumValue(String name, Algorithm expected) {
    controlPlane.service().respondWith(poolResponse(1));

    controlPlane.cli().run("pool", "create", "web", "--listen", ":80", "--algorithm", name);

    assertThat(controlPlane.service().onlyRequest(CreatePoolRequest.class).getAlgorithm())
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "ROUND_ROBIN, round-robin",
    "WEIGHTED_ROUND_ROBIN, weighted-round-robin",
    "LEAST_CONNECTIONS, least-connections",
    "P2C, p2c",
    "MAGLEV, maglev"
  })
  void listAndShowPrintEachAlgorithmByTheNameThatSelectsIt(Algorithm algorithm, String name) {
    Pool pool = WEB.toBuilder().setAlgorithm(algorithm).build();
    controlPlane.service().respondWith(ListPoolsResponse.newBuilder().addPools(pool).build());
    Result list = controlPlane.cli().run("pool", "list");
    controlPlane.service().respondWith(PoolStatus.newBuilder().setPool(pool).build());
    Result show = controlPlane.cli().run("pool", "show", "web");

    assertThat(list.outLines().get(1).split(" +")[2]).isEqualTo(name);
    assertThat(show.outLines()).contains("Algorithm:       " + name);
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
        .contains(
            "'random' is not one of "
                + "round-robin, weighted-round-robin, least-connections, p2c, maglev",
            "weirctl pool create --help");
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
    assertThat(result.err()).contains("'0.0.0.0' is not [HOST]:PORT: missing \":port\"");
  }

  @Test
  void aListenPortWithoutItsColonIsAUsageErrorThatShowsTheColon() {
    Result result = controlPlane.cli().run("pool", "create", "web", "--listen", "8085");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains("--listen", "'8085' is not [HOST]:PORT: it has no colon", "e.g. :8085")
        .doesNotContain("missing port");
    assertThat(controlPlane.service().requests()).isEmpty();
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
        .contains("\"configVersion\": 9", "\"algorithm\": \"WEIGHTED_ROUND_ROBIN\"");
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
            "Health check:    none",
            "",
            "ADDRESS       WEIGHT      STATE      ACTIVE   TOTAL   FAILURES   REFUSED"
                + "   CONNECT P99   HEALTH        DRAIN",
            "10.0.0.5:80   3 (eff 2)   active     4        120     2          7      "
                + "   1.2ms         healthy 2/3   -",
            "10.0.0.6:80   1           draining   1        80      0          0      "
                + "   -             unknown       draining 1 left");
  }

  @Test
  void showPrintsTheSettingsThatAreSetAfterTheHeader() {
    Pool pool =
        WEB.toBuilder()
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(
                        HealthCheck.newBuilder()
                            .setKind(HealthCheck.Kind.HTTP)
                            .setHttpPath("/healthz")
                            .setInterval(seconds(5))
                            .setTimeout(seconds(2))
                            .setRise(2)
                            .setFall(3))
                    .setSlowStart(seconds(30))
                    .setLimits(
                        Limits.newBuilder()
                            .setMaxConnections(1000)
                            .setMaxConnectionsPerBackend(100)
                            .setIdleTimeout(seconds(300)))
                    .setDrainTimeout(seconds(30))
                    .setTuning(Tuning.newBuilder().setSocketBufferBytes(262_144)))
            .build();
    controlPlane.service().respondWith(PoolStatus.newBuilder().setPool(pool).build());

    Result result = controlPlane.cli().run("pool", "show", "web");

    assertThat(result.outLines())
        .containsExactly(
            "Name:            web",
            "Listen:          :8080",
            "Algorithm:       weighted-round-robin",
            "Config version:  0",
            "Health check:    http GET /healthz every 5s, timeout 2s, rise 2, fall 3",
            "Slow start:      30s",
            "Limits:          max 1000 connections, 100 per backend, idle timeout 5m",
            "Drain timeout:   30s",
            "Buffers:         socket 256k",
            "",
            "No backends.");
  }

  @Test
  void showAsJsonParsesBackAndKeepsKeysWhoseValueIsTheDefault() throws Exception {
    PoolStatus status =
        status().toBuilder()
            .setPool(
                WEB.toBuilder()
                    .setSettings(
                        PoolSettings.newBuilder()
                            .setHealthCheck(
                                HealthCheck.newBuilder()
                                    .setKind(HealthCheck.Kind.TCP)
                                    .setInterval(Duration.newBuilder().setNanos(500_000_000)))
                            .setOutlierDetection(OutlierDetection.newBuilder().setDisabled(true))
                            .setTuning(Tuning.newBuilder().setWriteBufferHighBytes(1_048_576))
                            .setMaglevTableSize(65_537)))
            .build();
    controlPlane.service().respondWith(status);

    Result result = controlPlane.cli().run("pool", "show", "web", "-o", "json");

    PoolStatus.Builder parsed = PoolStatus.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(status);
    assertThat(result.out())
        .contains(
            "\"unhealthyProxies\": 0",
            "\"bytesToClient\": 0",
            "\"refusedConnections\": 7",
            "\"connectLatencyP99Us\": 1234",
            "\"interval\": \"0.500s\"",
            "\"kind\": \"TCP\"")
        .as("the pool's settings print only what is set")
        .doesNotContain("\"rise\"", "\"jitterPercent\"", "\"slowStart\"");
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
                .setUnhealthyProxies(1)
                .setRefusedConnections(7)
                .setConnectLatencyP50Us(310)
                .setConnectLatencyP99Us(1234)
                .setDrainClosedConnections(0)
                .setEffectiveWeight(2)
                .setFleetHealth(FleetHealth.FLEET_HEALTHY))
        .addBackends(
            BackendStatus.newBuilder()
                .setAddress("10.0.0.6:80")
                .setWeight(1)
                .setState(BackendState.DRAINING)
                .setActiveConnections(1)
                .setTotalConnections(80)
                .setDrainClosedConnections(2)
                .setFleetHealth(FleetHealth.FLEET_UNKNOWN)
                .setDrain(
                    DrainStatus.newBuilder()
                        .setState(DrainStatus.State.DRAINING)
                        .setRemainingConnections(1)))
        .build();
  }

  private static Duration seconds(long seconds) {
    return Duration.newBuilder().setSeconds(seconds).build();
  }

  private static Backend backend(String address, int weight, BackendState state) {
    return Backend.newBuilder().setAddress(address).setWeight(weight).setState(state).build();
  }
}
