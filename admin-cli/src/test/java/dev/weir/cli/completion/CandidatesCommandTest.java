package dev.weir.cli.completion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolResponse;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CandidatesCommandTest {

  private static final Pool WEB =
      Pool.newBuilder()
          .setName("web")
          .addBackends(Backend.newBuilder().setAddress("10.0.0.5:80"))
          .addBackends(Backend.newBuilder().setAddress("10.0.0.6:80"))
          .build();
  private static final Pool DB =
      Pool.newBuilder()
          .setName("db")
          .addBackends(Backend.newBuilder().setAddress("10.0.1.7:5432"))
          .build();

  private FakeControlPlane controlPlane;

  @BeforeEach
  void startControlPlane() {
    controlPlane = new FakeControlPlane();
    controlPlane
        .service()
        .respondTo(
            ListPoolsRequest.class,
            ListPoolsResponse.newBuilder().addPools(WEB).addPools(DB).build())
        .respondTo(GetPoolRequest.class, PoolResponse.newBuilder().setPool(WEB).build());
  }

  @AfterEach
  void stopControlPlane() throws InterruptedException {
    controlPlane.close();
  }

  @Test
  void aPoolArgumentOffersThePoolsStartingWithWhatIsTyped() {
    assertThat(candidates("", "pool", "show")).containsExactly("db", "web");
    assertThat(candidates("w", "backend", "drain")).containsExactly("web");
    assertThat(candidates("", "get", "web")).containsExactly("db", "web");
  }

  @Test
  void aBackendArgumentOffersThatPoolsBackends() {
    assertThat(candidates("10.0.0.", "backend", "remove", "web"))
        .containsExactly("10.0.0.5:80", "10.0.0.6:80");
    assertThat(controlPlane.service().onlyRequest(GetPoolRequest.class).getName()).isEqualTo("web");
  }

  @Test
  void optionsBeforeThePositionalsAreSkippedWithTheirValues() {
    assertThat(
            candidates(
                "",
                "--control-plane",
                "cp:9900",
                "-o",
                "json",
                "backend",
                "weight",
                "--timeout",
                "5s",
                "web"))
        .containsExactly("10.0.0.5:80", "10.0.0.6:80");
  }

  @Test
  void connectionsFiltersCompletePoolsAndBackendsAlsoAfterAnEqualsSign() {
    assertThat(candidates("", "connections", "--pool")).containsExactly("db", "web");
    assertThat(candidates("--pool=d", "connections")).containsExactly("--pool=db");
    assertThat(candidates("", "connections", "--backend"))
        .containsExactly("10.0.0.5:80", "10.0.0.6:80", "10.0.1.7:5432");
    assertThat(candidates("", "connections", "--pool", "web", "--backend"))
        .containsExactly("10.0.0.5:80", "10.0.0.6:80");
  }

  @Test
  void newNamesAndOtherValuesAreNotCompletedAndNeedNoCall() {
    assertThat(candidates("", "pool", "create")).isEmpty();
    assertThat(candidates("", "backend", "add", "web")).isEmpty();
    assertThat(candidates("", "backend", "drain", "web", "10.0.0.5:80", "--deadline")).isEmpty();
    assertThat(candidates("--", "pool", "show")).isEmpty();
    assertThat(controlPlane.service().requests()).isEmpty();
  }

  @Test
  void anUnreachableControlPlaneCompletesNothingAndSaysNothing() {
    controlPlane.service().failWith(Status.UNAVAILABLE.withDescription("connection refused"));

    Result result = run("", "pool", "show");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEmpty();
    assertThat(result.err()).isEmpty();
  }

  private List<String> candidates(String current, String... before) {
    Result result = run(current, before);
    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEmpty();
    return result.out().lines().toList();
  }

  private Result run(String current, String... before) {
    List<String> args = new ArrayList<>(List.of("__complete", "--"));
    args.addAll(List.of(before));
    args.add(current);
    return controlPlane.cli().run(args.toArray(String[]::new));
  }
}
