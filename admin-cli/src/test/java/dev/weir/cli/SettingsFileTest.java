package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.args.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** weirctl's settings file: found, read, overridden by the environment and flags, checked. */
class SettingsFileTest {

  @TempDir Path home;
  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  private Path settings(String text) throws Exception {
    Path dir = Files.createDirectories(home.resolve(".config/weir"));
    return Files.writeString(dir.resolve("weirctl.conf"), text);
  }

  @Test
  void theFileInTheHomeDirectoryNamesTheControlPlane() throws Exception {
    settings("# where the fleet is\ncontrol-plane = cp.internal:7000   # production\n");
    CliRunner cli = controlPlane.cli().withEnvironment("HOME", home.toString());

    cli.run("pool", "list");

    assertThat(cli.dialled()).containsExactly(HostPort.parse("cp.internal:7000"));
  }

  @Test
  void theEnvironmentAndThenAFlagWinOverTheFile() throws Exception {
    settings("control-plane = cp.internal:7000\n");
    CliRunner cli =
        controlPlane
            .cli()
            .withEnvironment("HOME", home.toString())
            .withEnvironment("WEIR_CONTROL_PLANE", "cp.env:7001");

    cli.run("pool", "list");
    cli.run("--control-plane", "cp.flag:7002", "pool", "list");

    assertThat(cli.dialled())
        .containsExactly(HostPort.parse("cp.env:7001"), HostPort.parse("cp.flag:7002"));
  }

  @Test
  void weirConfigNamesAnotherFileAndRelativePathsAreRelativeToIt() throws Exception {
    Path elsewhere = Files.createDirectories(home.resolve("team"));
    Path file =
        Files.writeString(
            elsewhere.resolve("prod.conf"),
            "control-plane = cp.internal:7000\ntls-ca = missing-ca.pem\n");
    CliRunner cli = controlPlane.cli().withEnvironment("WEIR_CONFIG", file.toString());

    Result result = cli.run("pool", "list");

    // The CA does not exist: the error names the file's own directory and the setting.
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            elsewhere.resolve("missing-ca.pem").toString(),
            file + " (tls-ca)",
            "no such readable file");
  }

  @Test
  void anUnknownSettingIsAUsageErrorNamingTheLineAndTheSettings() throws Exception {
    Path file = settings("control-plane = cp:1\ntoken = hunter2\n");
    CliRunner cli = controlPlane.cli().withEnvironment("HOME", home.toString());

    Result result = cli.run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            file + " line 2: unknown setting \"token\"",
            "control-plane, tls-ca, tls-cert, tls-key, token-file")
        .doesNotContain("hunter2");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void aMalformedAddressInTheFileIsNamedAsComingFromIt() throws Exception {
    Path file = settings("control-plane = cp.internal\n");
    CliRunner cli = controlPlane.cli().withEnvironment("HOME", home.toString());

    Result result = cli.run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains(file + " (control-plane)", "missing \":port\"");
  }

  @Test
  void weirConfigNamingAMissingFileIsAUsageError() {
    CliRunner cli =
        controlPlane.cli().withEnvironment("WEIR_CONFIG", home.resolve("nope.conf").toString());

    Result result = cli.run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("$WEIR_CONFIG", "nope.conf", "not a readable file");
  }
}
