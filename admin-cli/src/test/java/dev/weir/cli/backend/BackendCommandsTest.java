package dev.weir.cli.backend;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BackendCommandsTest {

  private static final PoolResponse RESPONSE =
      PoolResponse.newBuilder()
          .setPool(
              Pool.newBuilder()
                  .setName("web")
                  .setListen(":8080")
                  .addBackends(
                      Backend.newBuilder()
                          .setAddress("10.0.0.5:80")
                          .setWeight(1)
                          .setState(BackendState.ACTIVE)))
          .setConfigVersion(7)
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane.service().respondWith(RESPONSE);
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void addWithoutWeightLeavesTheWeightUnset() {
    Result result = controlPlane.cli().run("backend", "add", "web", "10.0.0.5:80");

    AddBackendRequest request = controlPlane.service().onlyRequest(AddBackendRequest.class);
    assertThat(request.getPool()).isEqualTo("web");
    assertThat(request.getAddress()).isEqualTo("10.0.0.5:80");
    assertThat(request.hasWeight()).isFalse();
    assertThat(result.out())
        .isEqualTo("backend 10.0.0.5:80 added to pool web (config version 7)\n");
  }

  @Test
  void addWithWeightSendsIt() {
    controlPlane.cli().run("backend", "add", "web", "[2001:db8::7]:80", "--weight", "5");

    AddBackendRequest request = controlPlane.service().onlyRequest(AddBackendRequest.class);
    assertThat(request.getAddress()).isEqualTo("[2001:db8::7]:80");
    assertThat(request.hasWeight()).isTrue();
    assertThat(request.getWeight()).isEqualTo(5);
  }

  @Test
  void weightThatIsNotANumberIsAUsageErrorAndNothingIsSent() {
    Result result =
        controlPlane.cli().run("backend", "add", "web", "10.0.0.5:80", "--weight", "heavy");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.errLines())
        .singleElement()
        .asString()
        .contains("weight must be a whole number, got 'heavy'", "weirctl backend add --help");
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void negativeWeightIsAUsageError() {
    Result result = controlPlane.cli().run("backend", "weight", "web", "10.0.0.5:80", "-3");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("weight must not be negative, got '-3'");
  }

  @Test
  void addressWithoutPortIsAUsageError() {
    Result result = controlPlane.cli().run("backend", "add", "web", "10.0.0.5");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("'10.0.0.5' is not HOST:PORT: missing \":port\"");
  }

  @Test
  void ipv6AddressWithoutBracketsIsAUsageErrorThatShowsTheFix() {
    Result result = controlPlane.cli().run("backend", "remove", "web", "2001:db8::7:80");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("in brackets, e.g. [::1]:80");
  }

  @Test
  void removeSendsPoolAndAddressAndConfirms() {
    Result result = controlPlane.cli().run("backend", "remove", "web", "10.0.0.5:80");

    assertThat(controlPlane.service().onlyRequest(RemoveBackendRequest.class))
        .isEqualTo(
            RemoveBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.5:80").build());
    assertThat(result.out())
        .isEqualTo("backend 10.0.0.5:80 removed from pool web (config version 7)\n");
  }

  @Test
  void removeHelpSaysOpenConnectionsStayOpenAndHowToCloseThem() {
    Result result = controlPlane.cli().run("backend", "remove", "--help");

    // Help text wraps; compare it as one line.
    String help = result.out().replaceAll("\\s+", " ");
    assertThat(help)
        .doesNotContain("connections are closed")
        .contains(
            "Its open connections are not closed",
            "until the client or the backend closes them",
            "--idle-timeout",
            "drain the backend first",
            "weirctl connections --backend HOST:PORT",
            "weirctl connections close ID");
  }

  @Test
  void weightSendsTheNewWeightAndConfirms() {
    Result result = controlPlane.cli().run("backend", "weight", "web", "10.0.0.5:80", "4");

    assertThat(controlPlane.service().onlyRequest(SetBackendWeightRequest.class))
        .isEqualTo(
            SetBackendWeightRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0.0.5:80")
                .setWeight(4)
                .build());
    assertThat(result.out())
        .isEqualTo("backend 10.0.0.5:80 in pool web now has weight 4 (config version 7)\n");
  }

  @Test
  void weightWithoutTheNumberIsAUsageError() {
    Result result = controlPlane.cli().run("backend", "weight", "web", "10.0.0.5:80");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("WEIGHT");
  }

  @Test
  void drainSendsPoolAndAddressAndConfirms() {
    Result result = controlPlane.cli().run("backend", "drain", "web", "10.0.0.5:80");

    assertThat(controlPlane.service().onlyRequest(DrainBackendRequest.class))
        .isEqualTo(
            DrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.5:80").build());
    assertThat(result.out())
        .isEqualTo("backend 10.0.0.5:80 in pool web is draining (config version 7)\n");
  }

  @Test
  void undrainSendsPoolAndAddressAndConfirms() {
    Result result = controlPlane.cli().run("backend", "undrain", "web", "10.0.0.5:80");

    assertThat(controlPlane.service().onlyRequest(UndrainBackendRequest.class))
        .isEqualTo(
            UndrainBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.5:80").build());
    assertThat(result.out())
        .isEqualTo("backend 10.0.0.5:80 in pool web is active (config version 7)\n");
  }

  @Test
  void changesAsJsonPrintTheResponseMessage() throws Exception {
    Result result = controlPlane.cli().run("backend", "drain", "web", "10.0.0.5:80", "-o", "json");

    PoolResponse.Builder parsed = PoolResponse.newBuilder();
    JsonFormat.parser().merge(result.out(), parsed);
    assertThat(parsed.build()).isEqualTo(RESPONSE);
  }

  @Test
  void backendWithoutASubcommandIsAUsageError() {
    Result result = controlPlane.cli().run("backend");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("weirctl backend --help");
  }
}
