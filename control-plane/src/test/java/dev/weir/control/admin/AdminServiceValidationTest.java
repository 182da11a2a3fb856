package dev.weir.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.status.AnsweredBy;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DeletePoolRequest;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.api.v1.GetPoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.RemoveBackendRequest;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.UndrainBackendRequest;
import dev.weir.control.testing.InProcessControlPlane;
import io.grpc.Status;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every rejected request names the bad field and leaves the configuration exactly as it was. */
class AdminServiceValidationTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                .build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void aPoolNameOutsideTheRuleIsInvalid() {
    assertRejected(
        () -> control.admin().createPool(create("Web_1", ":9000")),
        Status.Code.INVALID_ARGUMENT,
        "pool name \"Web_1\" is invalid: use 1..63 of [a-z0-9-], starting and ending with a "
            + "letter or digit");
  }

  @Test
  void aListenAddressWithoutAPortIsInvalid() {
    assertRejected(
        () -> control.admin().createPool(create("api", "0.0.0.0")),
        Status.Code.INVALID_ARGUMENT,
        "listen \"0.0.0.0\" is invalid",
        "[host]:port");
  }

  @Test
  void aListenPortOutOfRangeIsInvalid() {
    assertRejected(
        () -> control.admin().createPool(create("api", ":70000")),
        Status.Code.INVALID_ARGUMENT,
        "listen \":70000\" is invalid",
        "1..65535");
  }

  @Test
  void aListenPortAnotherPoolUsesAlreadyExistsNamingThatPool() {
    assertRejected(
        () -> control.admin().createPool(create("api", "127.0.0.1:8080")),
        Status.Code.ALREADY_EXISTS,
        "listen port 8080 is already used by pool \"web\"");
  }

  @Test
  void aPoolNameInUseAlreadyExists() {
    assertRejected(
        () -> control.admin().createPool(create("web", ":9000")),
        Status.Code.ALREADY_EXISTS,
        "pool \"web\" already exists");
  }

  @Test
  void anUnknownAlgorithmIsInvalidListingTheAllowedOnes() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(create("api", ":9000").toBuilder().setAlgorithmValue(7).build()),
        Status.Code.INVALID_ARGUMENT,
        "algorithm must be ROUND_ROBIN, WEIGHTED_ROUND_ROBIN, LEAST_CONNECTIONS, P2C or MAGLEV, "
            + "got 7");
  }

  @Test
  void aMalformedBackendAddressIsInvalid() {
    assertRejected(
        () -> control.admin().addBackend(add("web", "10.0.0.300:80")),
        Status.Code.INVALID_ARGUMENT,
        "backend address \"10.0.0.300:80\" is invalid");
  }

  @Test
  void aMalformedInitialBackendFailsTheWholeCreate() {
    CreatePoolRequest request =
        create("api", ":9000").toBuilder()
            .addBackends(Backend.newBuilder().setAddress("10.0.0.2:80"))
            .addBackends(Backend.newBuilder().setAddress("db:0"))
            .build();

    assertRejected(
        () -> control.admin().createPool(request),
        Status.Code.INVALID_ARGUMENT,
        "backend address \"db:0\" is invalid");
  }

  @Test
  void aWeightOfZeroIsInvalid() {
    assertRejected(
        () ->
            control.admin().addBackend(add("web", "10.0.0.2:80").toBuilder().setWeight(0).build()),
        Status.Code.INVALID_ARGUMENT,
        "backend weight must be 1..1000, got 0");
  }

  @Test
  void aWeightOf1001IsInvalid() {
    assertRejected(
        () ->
            control
                .admin()
                .setBackendWeight(
                    SetBackendWeightRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.0.0.1:80")
                        .setWeight(1001)
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "backend weight must be 1..1000, got 1001");
  }

  @Test
  void anInitialBackendWeightOf1001IsInvalid() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create("api", ":9000").toBuilder()
                        .addBackends(Backend.newBuilder().setAddress("10.0.0.2:80").setWeight(1001))
                        .build()),
        Status.Code.INVALID_ARGUMENT,
        "backend weight must be 1..1000, got 1001");
  }

  @Test
  void aBackendAlreadyInThePoolAlreadyExists() {
    assertRejected(
        () -> control.admin().addBackend(add("web", "10.0.0.1:80")),
        Status.Code.ALREADY_EXISTS,
        "backend \"10.0.0.1:80\" already exists in pool \"web\"");
  }

  @Test
  void aBackendListedTwiceInACreateAlreadyExists() {
    assertRejected(
        () ->
            control
                .admin()
                .createPool(
                    create("api", ":9000").toBuilder()
                        .addBackends(Backend.newBuilder().setAddress("DB.example:80"))
                        .addBackends(Backend.newBuilder().setAddress("db.example:80"))
                        .build()),
        Status.Code.ALREADY_EXISTS,
        "backend \"db.example:80\" is listed twice");
  }

  @Test
  void everyPoolOperationOnAnUnknownPoolIsNotFound() {
    String missing = "pool \"nope\" not found";
    assertRejected(
        () -> control.admin().getPool(GetPoolRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () -> control.admin().deletePool(DeletePoolRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () -> control.admin().addBackend(add("nope", "10.0.0.2:80")),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () ->
            control
                .admin()
                .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("nope").build()),
        Status.Code.NOT_FOUND,
        missing);
  }

  @Test
  void everyBackendOperationOnAnUnknownBackendIsNotFound() {
    String missing = "backend \"10.9.9.9:80\" not found in pool \"web\"";
    assertRejected(
        () ->
            control
                .admin()
                .removeBackend(
                    RemoveBackendRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.9.9.9:80")
                        .build()),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () ->
            control
                .admin()
                .setBackendWeight(
                    SetBackendWeightRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.9.9.9:80")
                        .setWeight(5)
                        .build()),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () ->
            control
                .admin()
                .drainBackend(
                    DrainBackendRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.9.9.9:80")
                        .build()),
        Status.Code.NOT_FOUND,
        missing);
    assertRejected(
        () ->
            control
                .admin()
                .undrainBackend(
                    UndrainBackendRequest.newBuilder()
                        .setPool("web")
                        .setAddress("10.9.9.9:80")
                        .build()),
        Status.Code.NOT_FOUND,
        missing);
  }

  private void assertRejected(ThrowingCallable call, Status.Code code, String... fragments) {
    ListPoolsResponse before = control.listPools();

    assertThatThrownBy(call)
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(code);
              assertThat(status.getDescription()).contains(fragments);
              assertThat(AnsweredBy.controlPlane(Status.trailersFromThrowable(e)))
                  .as("marked as the control plane's own answer")
                  .isTrue();
            });

    assertThat(control.listPools()).isEqualTo(before);
  }

  private static CreatePoolRequest create(String name, String listen) {
    return CreatePoolRequest.newBuilder().setName(name).setListen(listen).build();
  }

  private static AddBackendRequest add(String pool, String address) {
    return AddBackendRequest.newBuilder().setPool(pool).setAddress(address).build();
  }
}
