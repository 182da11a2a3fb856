package dev.weir.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplyGetCommandsTest {

  private static final Pool API =
      Pool.newBuilder()
          .setName("api")
          .setListen(":9090")
          .setAlgorithm(Algorithm.MAGLEV)
          .addBackends(
              Backend.newBuilder()
                  .setAddress("[::1]:6379")
                  .setWeight(3)
                  .setState(BackendState.DRAINING))
          .build();
  private static final Pool WEB =
      Pool.newBuilder()
          .setName("web")
          .setListen(":8080")
          .addBackends(
              Backend.newBuilder()
                  .setAddress("10.0.0.5:80")
                  .setWeight(1)
                  .setState(BackendState.ACTIVE))
          .setSettings(PoolSettings.newBuilder().setDrainTimeout(Durations.fromSeconds(30)))
          .build();
  private static final ExportConfigResponse CONFIG =
      ExportConfigResponse.newBuilder().setConfigVersion(42).addPools(API).addPools(WEB).build();

  @TempDir Path dir;
  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane.service().respondTo(ExportConfigRequest.class, CONFIG);
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void getPrintsYamlThatReadsBackAsTheSamePools() throws Exception {
    Result result = controlPlane.cli().run("get");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out())
        .startsWith("configVersion: 42\npools:\n  - name: api\n    listen: :9090\n")
        .contains("    algorithm: MAGLEV\n", "drainTimeout: 30s");
    Path file = Files.writeString(dir.resolve("fleet.yaml"), result.out());
    assertThat(ConfigFile.read(file)).isEqualTo(new ConfigFile.Contents(CONFIG, true));
  }

  @Test
  void getNamesPoolsAndPrintsJsonWhenAsked() {
    Result result = controlPlane.cli().run("-o", "json", "get", "web");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("{\n  \"configVersion\": 42,\n  \"pools\": [{\n" + "    \"name\": \"web\"");
    assertThat(result.out()).doesNotContain("\"api\"");
  }

  @Test
  void getPrintsOnlyTheSettingsThatAreSetAndVersionsAsNumbers() throws Exception {
    Pool checked =
        WEB.toBuilder()
            .setSettings(
                PoolSettings.newBuilder()
                    .setHealthCheck(HealthCheck.newBuilder().setKind(HealthCheck.Kind.TCP)))
            .build();
    ExportConfigResponse config =
        ExportConfigResponse.newBuilder().setConfigVersion(42).addPools(checked).build();
    controlPlane.service().respondTo(ExportConfigRequest.class, config);

    Result yaml = controlPlane.cli().run("get", "-o", "yaml");
    Result json = controlPlane.cli().run("get", "-o", "json");

    assertThat(yaml.out())
        .isEqualTo(
            """
        configVersion: 42
        pools:
          - name: web
            listen: :8080
            backends:
              - address: 10.0.0.5:80
                weight: 1
                state: ACTIVE
            settings:
              healthCheck:
                kind: TCP
        """);
    assertThat(json.out())
        .contains("\"configVersion\": 42,")
        .doesNotContain("\"rise\"", "effectiveWeight", "\"algorithm\"", ": 0");
    Path file = Files.writeString(dir.resolve("web.yaml"), yaml.out());
    assertThat(ConfigFile.read(file)).isEqualTo(new ConfigFile.Contents(config, true));
  }

  @Test
  void getOfAnUnknownPoolNamesTheOnesThereAre() {
    Result result = controlPlane.cli().run("get", "nope");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("error: no pool named \"nope\"; the pools are: api, web\n");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void applyReplacesThePoolsTheFileNamesKeepsTheRestAndExpectsTheVersionItRead() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            """
        # web gets a second backend; db is new
        pools:
          - name: web
            listen: ":8080"
            backends:
              - {address: "10.0.0.5:80", weight: 1}
              - {address: "10.0.0.6:80", weight: 2}
          - name: db
            listen: ":5432"
            algorithm: LEAST_CONNECTIONS
            backends:
              - address: 10.0.1.9:5432
            settings:
              http_connect:
                enabled: true
                authorities: ["db.internal:5432"]
        """);
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder()
                .setConfigVersion(43)
                .setDiff("~ pool web\n+ pool db")
                .build());

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.outLines())
        .first()
        .isEqualTo("applied 2 pools from " + file + " (config version 43)");
    ImportConfigRequest sent = onlyImport();
    assertThat(sent.getExpectedVersion()).isEqualTo(42);
    assertThat(sent.hasBaseVersion()).as("the file does not say what it was read at").isFalse();
    assertThat(sent.getPoolsList()).extracting(Pool::getName).containsExactly("api", "web", "db");
    assertThat(sent.getPools(0)).isEqualTo(API);
    assertThat(sent.getPools(1).getBackendsList())
        .extracting(Backend::getAddress)
        .containsExactly("10.0.0.5:80", "10.0.0.6:80");
    assertThat(sent.getPools(2).getAlgorithm()).isEqualTo(Algorithm.LEAST_CONNECTIONS);
    assertThat(sent.getPools(2).getSettings().getHttpConnect())
        .isEqualTo(
            HttpConnect.newBuilder().setEnabled(true).addAuthorities("db.internal:5432").build());
  }

  @Test
  void applyWithPruneSendsOnlyTheFilesPools() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.json"),
            ConfigFile.json(ExportConfigResponse.newBuilder().addPools(WEB).build()));
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(43).setDiff("- pool api").build());

    Result result = controlPlane.cli().run("apply", "-f", file.toString(), "--prune");

    assertThat(result.exitCode()).as(result.err()).isZero();
    ImportConfigRequest sent = onlyImport();
    assertThat(sent.getPoolsList()).containsExactly(WEB);
  }

  @Test
  void applySendsTheVersionTheFileWasReadAtSoTheControlPlaneCanRefuseAStaleFile() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            "configVersion: 40\n" + "pools:\n  - name: web\n    listen: \":8080\"\n");
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(43).setDiff("~ pool web").build());

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).as(result.err()).isZero();
    ImportConfigRequest sent = onlyImport();
    assertThat(sent.getBaseVersion()).isEqualTo(40);
    assertThat(sent.getExpectedVersion()).isEqualTo(42);
    assertThat(sent.getOverwriteNewer()).isFalse();
  }

  @Test
  void applyWithForceOverwritesNewerChanges() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("web.yaml"),
            "configVersion: 40\n" + "pools:\n  - name: web\n    listen: \":8080\"\n");
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(43).setDiff("~ pool web").build());

    Result result = controlPlane.cli().run("apply", "-f", file.toString(), "--force");

    assertThat(result.exitCode()).as(result.err()).isZero();
    ImportConfigRequest sent = onlyImport();
    assertThat(sent.getBaseVersion()).isEqualTo(40);
    assertThat(sent.getOverwriteNewer()).isTrue();
    assertThat(sent.getOptions().getForce()).isTrue();
  }

  @Test
  void aFileWithoutPoolsIsRefusedShowingTheExpectedShapeAndNothingIsSent() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty.json"), "{}");
    Path versionOnly = Files.writeString(dir.resolve("v.yaml"), "configVersion: 3\n");

    Result braces = controlPlane.cli().run("apply", "-f", empty.toString(), "--prune");
    Result noPools = controlPlane.cli().run("apply", "-f", versionOnly.toString());

    assertThat(braces.exitCode()).isEqualTo(1);
    assertThat(braces.err())
        .startsWith("error: " + empty + " has no \"pools\" key")
        .contains("{\"configVersion\": N, \"pools\": [");
    assertThat(noPools.exitCode()).isEqualTo(1);
    assertThat(noPools.err()).startsWith("error: " + versionOnly + " has no \"pools\" key");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void applyingWhatIsCurrentSaysNothingChanged() throws Exception {
    Path file = Files.writeString(dir.resolve("same.yaml"), controlPlane.cli().run("get").out());
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(42).build());

    Result result = controlPlane.cli().run("apply", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "the control plane already has what "
                + file
                + " says (config version 42); nothing changed");
  }

  @Test
  void aMalformedFileIsNamedWithWhereItBreaksAndNothingIsSent() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "pools:\n  - name: web\n   listen: x\n");
    Path unknown =
        Files.writeString(dir.resolve("typo.yaml"), "pools:\n  - name: web\n    lisen: \":80\"\n");

    Result broken = controlPlane.cli().run("apply", "-f", bad.toString());
    Result typo = controlPlane.cli().run("apply", "-f", unknown.toString());

    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.err())
        .startsWith("error: " + bad + " is not a Weir configuration: ")
        .contains("line 3");
    assertThat(typo.exitCode()).isEqualTo(1);
    assertThat(typo.err())
        .startsWith("error: " + unknown + " is not a Weir configuration: ")
        .contains("lisen");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anyCommandPrintsYamlWithOutputYaml() {
    controlPlane
        .service()
        .respondTo(ListPoolsRequest.class, ListPoolsResponse.newBuilder().addPools(WEB).build());

    Result result = controlPlane.cli().run("-o", "yaml", "pool", "list");

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(result.out()).startsWith("pools:\n  - name: web\n    listen: :8080\n");
  }

  private ImportConfigRequest onlyImport() {
    assertThat(controlPlane.service().requests(ImportConfigRequest.class)).hasSize(1);
    return controlPlane.service().requests(ImportConfigRequest.class).get(0);
  }
}
