package dev.weir.cli.status;

import static dev.weir.cli.status.FleetFixture.NOW;
import static dev.weir.cli.status.FleetFixture.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.HealthEvent;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.WatchRequest;
import dev.weir.cli.CliRunner.Result;
import dev.weir.cli.FakeControlPlane;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WatchCommandTest {

  private static final FleetEvent DRAIN_REVISION =
      FleetEvent.newBuilder()
          .setTime(at(NOW))
          .setRevision(
              Revision.newBuilder()
                  .setVersion(43)
                  .setActor("alice@laptop (127.0.0.1:53211)")
                  .setOperation("DrainBackend")
                  .setDiff("pool web: backend 10.0.0.6:80 state ACTIVE -> DRAINING\n"))
          .build();

  private static final FleetEvent APPLIED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusMillis(3)))
          .setProxy(
              ProxyEvent.newBuilder()
                  .setKind(ProxyEvent.Kind.APPLIED)
                  .setProxyId("proxy-a")
                  .setConfigVersion(43)
                  .setPushLatency(Durations.fromMicros(3200)))
          .build();

  private static final FleetEvent NACKED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusMillis(4)))
          .setProxy(
              ProxyEvent.newBuilder()
                  .setKind(ProxyEvent.Kind.NACKED)
                  .setProxyId("proxy-b")
                  .setConfigVersion(43)
                  .setDetail("pool web: cannot listen on :8080: address already in use"))
          .build();

  private static final FleetEvent POOL_FAILED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusSeconds(31)))
          .setProxy(
              ProxyEvent.newBuilder()
                  .setKind(ProxyEvent.Kind.POOL_FAILED)
                  .setProxyId("proxy-b")
                  .setConfigVersion(43)
                  .setPoolFailure(
                      PoolApplyFailure.newBuilder()
                          .setPool("api")
                          .setListen("0.0.0.0:9090")
                          .setReason("cannot listen on 0.0.0.0:9090: address already in use")))
          .build();

  private static final FleetEvent POOL_RECOVERED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusSeconds(32)))
          .setProxy(
              ProxyEvent.newBuilder()
                  .setKind(ProxyEvent.Kind.POOL_RECOVERED)
                  .setProxyId("proxy-b")
                  .setConfigVersion(43)
                  .setPoolFailure(
                      PoolApplyFailure.newBuilder().setPool("api").setListen("0.0.0.0:9090")))
          .build();

  // After the watcher fell behind: the control plane skipped 5 events before this one.
  private static final FleetEvent HEALTH_AFTER_MISSED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusSeconds(2)))
          .setMissed(5)
          .setHealth(
              HealthEvent.newBuilder()
                  .setPool("web")
                  .setBackend("10.0.0.7:80")
                  .setPrevious(FleetHealth.FLEET_HEALTHY)
                  .setHealth(FleetHealth.FLEET_UNHEALTHY))
          .build();

  private static final FleetEvent DRAINED =
      FleetEvent.newBuilder()
          .setTime(at(NOW.plusSeconds(30)))
          .setDrain(
              DrainEvent.newBuilder()
                  .setPool("web")
                  .setBackend("10.0.0.6:80")
                  .setStatus(DrainStatus.newBuilder().setState(DrainStatus.State.DRAINED)))
          .build();

  private static final List<FleetEvent> EVENTS =
      List.of(
          DRAIN_REVISION,
          APPLIED,
          NACKED,
          HEALTH_AFTER_MISSED,
          DRAINED,
          POOL_FAILED,
          POOL_RECOVERED);

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
  void printsEachEventAsALineAndSaysWhenEventsWereMissed() throws Exception {
    CompletableFuture<Result> watch = watchInBackground("watch");
    StreamObserver<FleetEvent> stream = controlPlane.service().awaitWatcher();

    EVENTS.forEach(stream::onNext);
    stream.onCompleted();
    Result result = watch.get(30, TimeUnit.SECONDS);

    assertThat(result.outLines())
        .containsExactly(
            "2030-01-01T00:00:00.000Z  revision  v43  DrainBackend by alice@laptop "
                + "(127.0.0.1:53211): pool web: backend 10.0.0.6:80 state ACTIVE -> DRAINING",
            "2030-01-01T00:00:00.003Z  proxy     proxy-a  applied v43 in 3.2ms",
            "2030-01-01T00:00:00.004Z  proxy     proxy-b  nacked v43: pool web: cannot listen on "
                + ":8080: address already in use",
            "2030-01-01T00:00:02.000Z  missed    5 events skipped: this watcher read too slowly",
            "2030-01-01T00:00:02.000Z  health    web 10.0.0.7:80  healthy -> unhealthy",
            "2030-01-01T00:00:30.000Z  drain     web 10.0.0.6:80  drained",
            "2030-01-01T00:00:31.000Z  proxy     proxy-b  pool api failed v43: cannot listen on "
                + "0.0.0.0:9090: address already in use",
            "2030-01-01T00:00:32.000Z  proxy     proxy-b  pool api in force v43 on 0.0.0.0:9090");
    // The control plane ending the stream means it went away: the watcher is told, exit 3.
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("the control plane ended the watch stream");
  }

  @Test
  void aProxyEventFromAnotherReplicaNamesItAndADrainNamesUnaccountedReplicas() throws Exception {
    CompletableFuture<Result> watch = watchInBackground("watch");
    StreamObserver<FleetEvent> stream = controlPlane.service().awaitWatcher();

    stream.onNext(
        APPLIED.toBuilder()
            .setProxy(APPLIED.getProxy().toBuilder().setProxyId("pb").setReplica("r2"))
            .build());
    stream.onNext(
        NACKED.toBuilder()
            .setProxy(NACKED.getProxy().toBuilder().setReplica("r\u001b[2J"))
            .build());
    stream.onNext(
        DRAINED.toBuilder()
            .setDrain(
                DRAINED.getDrain().toBuilder()
                    .setStatus(
                        DrainStatus.newBuilder()
                            .setState(DrainStatus.State.DRAINING)
                            .addUnaccountedReplicas("r3")))
            .build());
    stream.onCompleted();
    Result result = watch.get(30, TimeUnit.SECONDS);

    assertThat(result.outLines())
        .containsExactly(
            "2030-01-01T00:00:00.003Z  proxy     pb (replica r2)  applied v43 in 3.2ms",
            "2030-01-01T00:00:00.004Z  proxy     proxy-b (replica r\\x1b[2J)  nacked v43: pool "
                + "web: cannot listen on :8080: address already in use",
            "2030-01-01T00:00:30.000Z  drain     web 10.0.0.6:80  draining 0 left, replica r3 "
                + "unaccounted");
  }

  @Test
  void jsonPrintsOneParsableFleetEventPerLine() throws Exception {
    CompletableFuture<Result> watch = watchInBackground("watch", "-o", "json");
    StreamObserver<FleetEvent> stream = controlPlane.service().awaitWatcher();

    EVENTS.forEach(stream::onNext);
    stream.onCompleted();
    Result result = watch.get(30, TimeUnit.SECONDS);

    List<String> lines = result.outLines();
    assertThat(lines).hasSize(EVENTS.size());
    for (int i = 0; i < lines.size(); i++) {
      FleetEvent.Builder parsed = FleetEvent.newBuilder();
      JsonFormat.parser().merge(lines.get(i), parsed);
      assertThat(parsed.build()).isEqualTo(EVENTS.get(i));
    }
    assertThat(lines.get(3)).contains("\"missed\":5");
  }

  @Test
  void poolsNarrowTheStream() throws Exception {
    CompletableFuture<Result> watch = watchInBackground("watch", "--pool", "web", "--pool", "api");
    StreamObserver<FleetEvent> stream = controlPlane.service().awaitWatcher();
    stream.onCompleted();
    watch.get(30, TimeUnit.SECONDS);

    assertThat(controlPlane.service().onlyRequest(WatchRequest.class).getPoolsList())
        .containsExactly("web", "api");
  }

  @Test
  void aControlPlaneThatGoesAwayIsExitCode3AfterTheEventsSoFar() throws Exception {
    CompletableFuture<Result> watch = watchInBackground("watch");
    StreamObserver<FleetEvent> stream = controlPlane.service().awaitWatcher();

    stream.onNext(APPLIED);
    stream.onError(Status.UNAVAILABLE.withDescription("control plane shutting down").asException());
    Result result = watch.get(30, TimeUnit.SECONDS);

    assertThat(result.outLines()).hasSize(1);
    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.err()).contains("control plane shutting down");
  }

  private CompletableFuture<Result> watchInBackground(String... args) {
    return CompletableFuture.supplyAsync(() -> controlPlane.cli().run(args));
  }
}
