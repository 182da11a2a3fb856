package dev.weir.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ExportConfigRequest;
import dev.weir.api.v1.ExportConfigResponse;
import dev.weir.api.v1.ImportConfigRequest;
import dev.weir.api.v1.ImportConfigResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportImportCommandsTest {

  private static final ExportConfigResponse CONFIG =
      ExportConfigResponse.newBuilder()
          .setConfigVersion(42)
          .addPools(
              Pool.newBuilder()
                  .setName("api")
                  .setListen(":9090")
                  .setAlgorithm(Algorithm.MAGLEV)
                  .addBackends(
                      Backend.newBuilder()
                          .setAddress("[::1]:6379")
                          .setWeight(3)
                          .setState(BackendState.DRAINING)
                          .setDrainDeadline(Timestamps.parseUnchecked("2030-01-02T03:04:05Z"))))
          .addPools(
              Pool.newBuilder()
                  .setName("web")
                  .setListen(":8080")
                  .addBackends(
                      Backend.newBuilder()
                          .setAddress("10.0.0.5:80")
                          .setWeight(1)
                          .setState(BackendState.ACTIVE))
                  .setSettings(
                      PoolSettings.newBuilder().setDrainTimeout(Durations.fromSeconds(30))))
          .build();

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
  void exportPrintsTheConfigurationAsJsonToStdout() {
    controlPlane.service().respondWith(CONFIG);

    Result result = controlPlane.cli().run("export");

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    assertThat(result.out())
        .startsWith("{\n  \"configVersion\": 42,\n  \"pools\": [{\n    \"name\": \"api\"")
        .contains(
            "\"algorithm\": \"MAGLEV\"", "\"state\": \"DRAINING\"", "\"drainTimeout\": \"30s\"");
    assertThat(controlPlane.service().onlyRequest(ExportConfigRequest.class))
        .isEqualTo(ExportConfigRequest.getDefaultInstance());
  }

  @Test
  void exportToAFileWritesItAndSaysSo() throws Exception {
    controlPlane.service().respondWith(CONFIG);
    Path file = dir.resolve("weir.json");

    Result result = controlPlane.cli().run("export", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly("exported config version 42 (2 pools) to " + file);
    assertThat(Files.readString(file)).isEqualTo(ConfigFile.json(CONFIG));
  }

  @Test
  void whatExportWroteImportSendsBackExactly() {
    controlPlane.service().respondWith(CONFIG);
    Path file = dir.resolve("weir.json");
    assertThat(controlPlane.cli().run("export", "-f", file.toString()).exitCode()).isZero();
    controlPlane
        .service()
        .respondWith(
            ImportConfigResponse.newBuilder()
                .setConfigVersion(7)
                .setDiff("+ pool api listen :9090 algorithm maglev\n+ pool web listen :8080")
                .build());

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "imported 2 pools from " + file + " (config version 7)",
            "  + pool api listen :9090 algorithm maglev",
            "  + pool web listen :8080");
    ImportConfigRequest sent = controlPlane.service().requests(ImportConfigRequest.class).get(0);
    assertThat(sent.getPoolsList()).isEqualTo(CONFIG.getPoolsList());
    assertThat(sent.hasExpectedVersion()).isFalse();
    assertThat(sent.hasOptions()).isFalse();
  }

  @Test
  void importingWhatIsCurrentSaysNothingChanged() throws Exception {
    Path file = write("weir.json", ConfigFile.json(CONFIG));
    controlPlane
        .service()
        .respondWith(ImportConfigResponse.newBuilder().setConfigVersion(7).build());

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly(
            "the configuration in "
                + file
                + " is already current (config version 7); "
                + "nothing changed");
  }

  @Test
  void dryRunForceAndExpectedVersionAreSent() throws Exception {
    Path file = write("weir.json", ConfigFile.json(CONFIG));
    controlPlane
        .service()
        .respondWith(
            ImportConfigResponse.newBuilder()
                .setConfigVersion(7)
                .setDryRun(true)
                .setDiff("- pool old")
                .build());

    Result result =
        controlPlane
            .cli()
            .run(
                "import", "-f", file.toString(), "--dry-run", "--force", "--expected-version", "0");

    assertThat(result.exitCode()).isZero();
    assertThat(result.outLines())
        .containsExactly("dry run: nothing was changed; it would change:", "  - pool old");
    ImportConfigRequest sent = controlPlane.service().onlyRequest(ImportConfigRequest.class);
    assertThat(sent.getOptions())
        .isEqualTo(MutationOptions.newBuilder().setDryRun(true).setForce(true).build());
    assertThat(sent.hasExpectedVersion()).isTrue();
    assertThat(sent.getExpectedVersion()).isZero();
    assertThat(sent.getAllowDeleteAll()).isFalse();
  }

  @Test
  void waitWaitsForTheNewVersion() throws Exception {
    Path file = write("weir.json", ConfigFile.json(CONFIG));
    controlPlane
        .service()
        .respondTo(
            ImportConfigRequest.class,
            ImportConfigResponse.newBuilder().setConfigVersion(7).setDiff("- pool old").build())
        .respondTo(
            WaitForAppliedRequest.class,
            WaitForAppliedResponse.newBuilder()
                .setComplete(true)
                .setElapsed(Durations.fromMillis(12))
                .build());

    Result result = controlPlane.cli().run("import", "-f", file.toString(), "--wait");

    assertThat(result.exitCode()).isZero();
    assertThat(controlPlane.service().requests(WaitForAppliedRequest.class))
        .extracting(WaitForAppliedRequest::getConfigVersion)
        .containsExactly(7L);
  }

  @Test
  void malformedJsonIsOneLineNamingTheFileAndWhereAndNothingIsSent() throws Exception {
    Path file = write("broken.json", "{\n  \"pools\": [\n    {\"name\": \"web\",\n");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines()).hasSize(1);
    assertThat(result.err())
        .startsWith("error: " + file + " is not a Weir configuration: ")
        .contains("line");
    assertThat(result.out()).isEmpty();
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anUnknownFieldIsNamedAndNothingIsSent() throws Exception {
    Path file =
        write(
            "typo.json",
            "{\"pools\": [{\"name\": \"web\", \"listen\": \":8080\", \"wieght\": 3}]}");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("error: " + file + " is not a Weir configuration: ")
        .contains("wieght");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aWrongTypeIsNamedAndNothingIsSent() throws Exception {
    Path file =
        write("type.json", "{\"pools\": [{\"name\": \"web\", \"algorithm\": \"FASTEST\"}]}");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .startsWith("error: " + file + " is not a Weir configuration: ")
        .contains("FASTEST");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aMissingFileIsOneLineAndNothingIsSent() {
    Path file = dir.resolve("absent.json");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly("error: cannot read " + file + ": no such file or directory");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anEmptyFileIsRefused() throws Exception {
    Path file = write("empty.json", "\n");

    Result result = controlPlane.cli().run("import", "-f", file.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: "
                + file
                + " is empty; expected the JSON or YAML 'weirctl export' and "
                + "'weirctl get' write");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aFileOfEmptyBracesIsRefusedLikeAnEmptyOneAndNothingIsSent() throws Exception {
    Path file = write("braces.json", "{}\n");

    Result result = controlPlane.cli().run("import", "-f", file.toString(), "--dry-run");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .startsWith(
            "error: "
                + file
                + " has no \"pools\" key, so it does not say which pools "
                + "to keep; expected what 'weirctl export' and 'weirctl get -o yaml' write: ")
        .contains("--delete-all");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void deleteAllIsSentOnlyWhenGiven() throws Exception {
    Path file = write("none.json", "{\"pools\": []}\n");
    controlPlane
        .service()
        .respondWith(
            ImportConfigResponse.newBuilder().setConfigVersion(8).setDiff("- pool web").build());

    Result result = controlPlane.cli().run("import", "-f", file.toString(), "--delete-all");

    assertThat(result.exitCode()).as(result.err()).isZero();
    ImportConfigRequest sent = controlPlane.service().onlyRequest(ImportConfigRequest.class);
    assertThat(sent.getAllowDeleteAll()).isTrue();
    assertThat(sent.getPoolsList()).isEmpty();
    assertThat(sent.hasBaseVersion()).as("import numbers its own versions").isFalse();
  }

  @Test
  void aRefusedImportExitsOneWithTheServersDescription() throws Exception {
    Path file = write("weir.json", ConfigFile.json(CONFIG));
    controlPlane
        .service()
        .failWith(
            Status.ABORTED.withDescription(
                "expected_version is 3 but the current config version is 4; export again, or "
                    + "import without an expected version"));

    Result result =
        controlPlane.cli().run("import", "-f", file.toString(), "--expected-version", "3");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.errLines())
        .containsExactly(
            "error: expected_version is 3 but the current config version is 4; export again, or "
                + "import without an expected version");
  }

  @Test
  void importNeedsAFile() {
    Result result = controlPlane.cli().run("import");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--file");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}
