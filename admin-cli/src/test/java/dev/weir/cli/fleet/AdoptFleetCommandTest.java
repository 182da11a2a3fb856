package dev.weir.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.AdoptFleetRequest;
import dev.weir.api.v1.AdoptFleetResponse;
import dev.weir.api.v1.MutationOptions;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdoptFleetCommandTest {
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
  void adoptSaysWhichFleetAndVersionAndShowsTheChange() {
    controlPlane
        .service()
        .respondWith(
            AdoptFleetResponse.newBuilder()
                .setConfigVersion(11)
                .setFleetId("1a2b")
                .setPreviousFleetId("8f3c")
                .setDiff("fleet 8f3c -> 1a2b, version 0 -> 11, pools unchanged")
                .build());

    Result result = controlPlane.cli().run("fleet", "adopt");

    assertThat(controlPlane.service().onlyRequest(AdoptFleetRequest.class))
        .isEqualTo(AdoptFleetRequest.getDefaultInstance());
    assertThat(result.outLines())
        .containsExactly(
            "adopted fleet 1a2b (config version 11)",
            "  fleet 8f3c -> 1a2b, version 0 -> 11, pools unchanged");
  }

  @Test
  void theFleetIdAndDryRunAreSent() {
    controlPlane
        .service()
        .respondWith(
            AdoptFleetResponse.newBuilder()
                .setDryRun(true)
                .setDiff("fleet 8f3c -> 1a2b, version 0 -> 11, pools unchanged")
                .build());

    Result result = controlPlane.cli().run("fleet", "adopt", "--fleet-id", "1a2b", "--dry-run");

    assertThat(controlPlane.service().onlyRequest(AdoptFleetRequest.class))
        .isEqualTo(
            AdoptFleetRequest.newBuilder()
                .setFleetId("1a2b")
                .setOptions(MutationOptions.newBuilder().setDryRun(true))
                .build());
    assertThat(result.out())
        .isEqualTo(
            "dry run: nothing was changed; it would change:\n"
                + "  fleet 8f3c -> 1a2b, version 0 -> 11, pools unchanged\n");
  }

  @Test
  void proxiesOfSeveralFleetsAreTheControlPlanesFailedPrecondition() {
    controlPlane
        .service()
        .failWith(
            Status.FAILED_PRECONDITION.withDescription(
                "the connected proxies serve 2 fleets (fleet a: p1; fleet b: p2); give fleet_id"));

    Result result = controlPlane.cli().run("fleet", "adopt");

    assertThat(result.exitCode()).isNotZero();
    assertThat(result.errLines())
        .containsExactly(
            "error: the connected proxies serve 2 fleets (fleet a: p1; fleet b: p2); give fleet_id");
  }
}
