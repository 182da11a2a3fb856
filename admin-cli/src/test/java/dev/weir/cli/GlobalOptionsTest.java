package dev.weir.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.args.HostPort;
import dev.weir.cli.controlplane.Connection;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GlobalOptionsTest {

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane.service().respondWith(ListPoolsResponse.getDefaultInstance());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void withoutFlagOrEnvironmentTheControlPlaneIsOnLocalhost() {
    CliRunner cli = controlPlane.cli();

    cli.run("pool", "list");

    assertThat(cli.dialled()).containsExactly(HostPort.parse("127.0.0.1:9900"));
  }

  @Test
  void theEnvironmentVariableNamesTheControlPlaneWhenTheFlagIsAbsent() {
    CliRunner cli = controlPlane.cli().withEnvironment("WEIR_CONTROL_PLANE", "cp.internal:7000");

    cli.run("pool", "list");

    assertThat(cli.dialled()).containsExactly(HostPort.parse("cp.internal:7000"));
  }

  @Test
  void theFlagWinsOverTheEnvironmentVariable() {
    CliRunner cli = controlPlane.cli().withEnvironment("WEIR_CONTROL_PLANE", "cp.internal:7000");

    cli.run("--control-plane", "10.1.1.1:9900", "pool", "list");

    assertThat(cli.dialled()).containsExactly(HostPort.parse("10.1.1.1:9900"));
  }

  @Test
  void aMalformedEnvironmentVariableIsAUsageErrorNamingIt() {
    CliRunner cli = controlPlane.cli().withEnvironment("WEIR_CONTROL_PLANE", "cp.internal");

    Result result = cli.run("pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("WEIR_CONTROL_PLANE", "'cp.internal'", "missing \":port\"");
  }

  @Test
  void globalOptionsWorkBeforeTheCommandName() {
    CliRunner cli = controlPlane.cli();

    Result result = cli.run("--control-plane", "10.1.1.1:9900", "-o", "json", "pool", "list");

    assertThat(result.out()).startsWith("{");
    assertThat(cli.dialled()).containsExactly(HostPort.parse("10.1.1.1:9900"));
  }

  @Test
  void globalOptionsWorkAfterTheCommandName() {
    CliRunner cli = controlPlane.cli();

    Result result = cli.run("pool", "list", "--control-plane", "10.1.1.1:9900", "--output=json");

    assertThat(result.out()).startsWith("{");
    assertThat(cli.dialled()).containsExactly(HostPort.parse("10.1.1.1:9900"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"500ms", "10s", "1m"})
  void theTimeoutAcceptsMillisecondsSecondsAndMinutes(String timeout) {
    Result result = controlPlane.cli().run("--timeout", timeout, "pool", "list");

    assertThat(result.exitCode()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "0s", "fast", "-1s"})
  void aMalformedTimeoutIsAUsageError(String timeout) {
    Result result = controlPlane.cli().run("pool", "list", "--timeout=" + timeout);

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--timeout");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anUnknownOutputFormatIsAUsageErrorNamingTheFormats() {
    Result result = controlPlane.cli().run("-o", "xml", "pool", "list");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'xml' is not one of table, json, yaml");
  }

  @Test
  void aChannelWeirctlOpenedIsClosedWhenTheCommandIsDone() {
    ManagedChannel opened =
        InProcessChannelBuilder.forName(controlPlane.channelName()).directExecutor().build();

    Result result =
        controlPlane.cli().withConnector(address -> Connection.owning(opened)).run("pool", "list");

    assertThat(result.exitCode()).isZero();
    assertThat(opened.isTerminated()).isTrue();
  }

  @Test
  void versionDoesNotContactTheControlPlane() {
    Result result =
        controlPlane
            .cli()
            .withConnector(
                address -> {
                  throw new AssertionError("version must not connect");
                })
            .run("version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).startsWith("weirctl ");
  }

  @Test
  void versionAsJsonHasTheClientVersion() {
    Result result = controlPlane.cli().run("version", "-o", "json");

    assertThat(result.out()).contains("\"clientVersion\": \"");
  }

  @Test
  void theRunSeamUsesTheGivenChannelAndLeavesItOpen() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exitCode =
        Weirctl.run(
            controlPlane.channel(), new PrintWriter(out), new PrintWriter(err), "pool", "list");

    assertThat(exitCode).isZero();
    assertThat(out).hasToString("No pools.\n");
    assertThat(err.toString()).isEmpty();
    assertThat(controlPlane.channel().isShutdown()).isFalse();
  }
}
