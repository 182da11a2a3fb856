package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.control.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grpc.health.v1 and reflection services standard gRPC tools (grpcurl, probes) rely on. */
class StandardServicesTest {
  @TempDir Path dataDir;
  private ControlPlane plane;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    String name = InProcessServerBuilder.generateName();
    plane =
        new ControlPlane(
                dataDir,
                InProcessServerBuilder.forName(name).directExecutor(),
                new MutableClock(Instant.parse("2030-01-01T00:00:00Z")))
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    plane.close();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void theServerAndEachWeirServiceReportServing() {
    for (String service : List.of("", "weir.v1.AdminService", "weir.v1.ProxyService")) {
      HealthCheckResponse response =
          health().check(HealthCheckRequest.newBuilder().setService(service).build());
      assertThat(response.getStatus())
          .as("service \"%s\"", service)
          .isEqualTo(ServingStatus.SERVING);
    }
  }

  @Test
  void aHealthWatcherHearsNotServingWhenShutdownBegins() {
    List<ServingStatus> heard = new CopyOnWriteArrayList<>();
    HealthWatch watch = new HealthWatch(heard);
    HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(), watch);
    await().until(() -> heard.contains(ServingStatus.SERVING));

    // close() waits for calls in progress, such as this watch, which ends once it has heard.
    CompletableFuture<Void> closing = CompletableFuture.runAsync(plane::close);

    await().until(() -> heard.contains(ServingStatus.NOT_SERVING));
    watch.requests.cancel("heard enough", null);
    closing.join();
  }

  @Test
  void reflectionListsWeirsServices() throws Exception {
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    answer.complete(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });

    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());

    assertThat(answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
        .extracting(ServiceResponse::getName)
        .contains("weir.v1.AdminService", "weir.v1.ProxyService", "grpc.health.v1.Health");
    requests.onCompleted();
  }

  private HealthGrpc.HealthBlockingStub health() {
    return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static final class HealthWatch
      implements ClientResponseObserver<HealthCheckRequest, HealthCheckResponse> {
    private final List<ServingStatus> heard;
    volatile ClientCallStreamObserver<HealthCheckRequest> requests;

    HealthWatch(List<ServingStatus> heard) {
      this.heard = heard;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<HealthCheckRequest> requestStream) {
      requests = requestStream;
    }

    @Override
    public void onNext(HealthCheckResponse response) {
      heard.add(response.getStatus());
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
