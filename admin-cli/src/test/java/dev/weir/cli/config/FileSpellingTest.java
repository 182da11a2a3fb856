package dev.weir.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by hand, as a person who knows the flags would write them. */
class FileSpellingTest {

  @TempDir Path dir;
  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondTo(
            ExportConfigRequest.class,
            ExportConfigResponse.newBuilder().setConfigVersion(4).build())
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(5).setDiff("+ pool web").build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void enumsMayBeSpelledAsTheFlagsSpellThemOrAsApiNamesInAnyCase() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            """
        pools:
          - name: web
            listen: ":8080"
            algorithm: round-robin
            backends:
              - {address: "10.0.0.5:80", state: draining}
              - {address: "10.0.0.6:80", state: Active}
            settings:
              healthCheck: {kind: tcp}
              proxy_protocol: {send: v2}
          - name: api
            listen: ":9090"
            algorithm: Least_Connections
            settings:
              healthCheck: {kind: HTTP}
              proxyProtocol: {send: PROXY_PROTOCOL_V1}
          - name: db
            listen: ":5432"
            algorithm: weighted-round-robin
            settings:
              proxyProtocol: {send: off, accept: true}
        """);

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    ImportConfigRequest sent = onlyImport();
    Pool web = sent.getPools(0);
    assertThat(web.getAlgorithm()).isEqualTo(Algorithm.ROUND_ROBIN);
    assertThat(web.getBackendsList())
        .extracting(Backend::getState)
        .containsExactly(BackendState.DRAINING, BackendState.ACTIVE);
    assertThat(web.getSettings().getHealthCheck().getKind()).isEqualTo(HealthCheck.Kind.TCP);
    assertThat(web.getSettings().getProxyProtocol().getSend())
        .isEqualTo(ProxyProtocolVersion.PROXY_PROTOCOL_V2);
    Pool api = sent.getPools(1);
    assertThat(api.getAlgorithm()).isEqualTo(Algorithm.LEAST_CONNECTIONS);
    assertThat(api.getSettings().getHealthCheck().getKind()).isEqualTo(HealthCheck.Kind.HTTP);
    assertThat(api.getSettings().getProxyProtocol().getSend())
        .isEqualTo(ProxyProtocolVersion.PROXY_PROTOCOL_V1);
    assertThat(sent.getPools(2).getAlgorithm()).isEqualTo(Algorithm.WEIGHTED_ROUND_ROBIN);
    assertThat(sent.getPools(2).getSettings().getProxyProtocol().getAccept())
        .as("YAML reads an unquoted off as false: still the flag's off")
        .isTrue();
  }

  @Test
  void jsonFilesTakeTheFlagSpellingsToo() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.json"),
            "{\"pools\": [{\"name\": \"web\", "
                + "\"listen\": \":8080\", \"algorithm\": \"p2c\"}, {\"name\": \"api\", \"listen\": "
                + "\":9090\", \"algorithm\": \"MAGLEV\"}]}");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(onlyImport().getPoolsList())
        .extracting(Pool::getAlgorithm)
        .containsExactly(Algorithm.P2C, Algorithm.MAGLEV);
  }

  @Test
  void anUnknownEnumValueIsRefusedNamingWhereItIsAndTheValuesAllowedThere() throws Exception {
    Path algorithm =
        Files.writeString(
            dir.resolve("a.yaml"),
            "pools:\n  - name: web\n    listen: \":8080\"\n    algorithm: fastest\n");
    Path kind =
        Files.writeString(
            dir.resolve("k.yaml"),
            "pools:\n  - name: web\n"
                + "    listen: \":8080\"\n    settings:\n      healthCheck: {kind: udp}\n");
    Path send =
        Files.writeString(
            dir.resolve("s.yaml"),
            "pools:\n  - name: web\n"
                + "    listen: \":8080\"\n    settings:\n      proxyProtocol: {send: v3}\n");

    assertThat(controlPlane.cli().run("apply", "-f", algorithm.toString()).err())
        .isEqualTo(
            "error: "
                + algorithm
                + " is not a Weir configuration: pools[0].algorithm: "
                + "\"fastest\" is not one of round-robin, weighted-round-robin, least-connections, "
                + "p2c, maglev\n");
    assertThat(controlPlane.cli().run("apply", "-f", kind.toString()).err())
        .isEqualTo(
            "error: "
                + kind
                + " is not a Weir configuration: "
                + "pools[0].settings.healthCheck.kind: \"udp\" is not one of tcp, http\n");
    assertThat(controlPlane.cli().run("import", "-f", send.toString()).err())
        .isEqualTo(
            "error: "
                + send
                + " is not a Weir configuration: "
                + "pools[0].settings.proxyProtocol.send: \"v3\" is not one of off, v1, v2\n");
    assertThat(controlPlane.service().requests(ImportConfigRequest.class)).isEmpty();
  }

  @Test
  void anUnknownFieldIsNamedWithWhereItIsAndTheFieldsThere() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("typo.yaml"),
            "pools:\n  - name: web\n    listen: \":8080\"\n    backends:\n"
                + "      - {address: \"10.0.0.5:80\", wieght: 3}\n");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo(
            "error: "
                + file
                + " is not a Weir configuration: "
                + "pools[0].backends[0] has no field \"wieght\"; the fields there are address, weight, "
                + "state, effectiveWeight, drainDeadline\n");
  }

  @Test
  void fieldsLeftOutAreSentUnsetSoTheControlPlaneFillsInTheFlagsDefaults() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            "pools:\n  - name: web\n    listen: \":8080\"\n    backends:\n"
                + "      - address: 10.0.0.5:80\n");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    Backend backend = onlyImport().getPools(0).getBackends(0);
    assertThat(backend).isEqualTo(Backend.newBuilder().setAddress("10.0.0.5:80").build());
  }

  @Test
  void aFileWithOnePoolAtTheTopAppliesAsThatPool() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            """
        name: web
        listen: ":8080"
        algorithm: least-connections
        backends:
          - address: 10.0.0.5:80
        """);

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .first()
        .isEqualTo("applied 1 pool from " + file + " (config version 5)");
    ImportConfigRequest sent = onlyImport();
    assertThat(sent.getPoolsList()).extracting(Pool::getName).containsExactly("web");
    assertThat(sent.getPools(0).getAlgorithm()).isEqualTo(Algorithm.LEAST_CONNECTIONS);
    assertThat(sent.hasBaseVersion())
        .as("a pool does not say what version it was read at")
        .isFalse();
  }

  @Test
  void aMistakeInAFileWithOnePoolIsNamedAsTheFileHasIt() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"), "name: web\nlisten: \":8080\"\nalgorithm: fastest\n");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.err())
        .isEqualTo(
            "error: "
                + file
                + " is not a Weir configuration: "
                + "algorithm: \"fastest\" is not one of round-robin, weighted-round-robin, "
                + "least-connections, p2c, maglev\n");
  }

  @Test
  void importRefusesAFileWithOnePoolAtTheTopShowingTheShapeItTakes() throws Exception {
    Path file =
        Files.writeString(dir.resolve("web.json"), "{\"name\": \"web\", \"listen\": \":8080\"}");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith(
            "error: "
                + file
                + " holds one pool (it has \"name\" at the top), but import "
                + "replaces the whole configuration")
        .contains("{\"configVersion\": N, \"pools\": [{\"name\": ...", "weirctl apply -f")
        .doesNotContain("Cannot find field");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aFileThatIsNotAnObjectIsRefusedShowingTheShapeItTakes() throws Exception {
    Path file = Files.writeString(dir.resolve("list.yaml"), "- name: web\n  listen: \":80\"\n");

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith(
            "error: "
                + file
                + " is not a Weir configuration: expected an object with "
                + "a \"pools\" key, got a list; as 'weirctl get -o yaml' writes it: ");
  }

  private ImportConfigRequest onlyImport() {
    assertThat(controlPlane.service().requests(ImportConfigRequest.class)).hasSize(1);
    return controlPlane.service().requests(ImportConfigRequest.class).get(0);
  }
}
