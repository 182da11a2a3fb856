package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.WatchRequest;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a watcher of the fleet sees a proxy do, through AdminService.Watch. */
class ProxyEventsTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  private Context.CancellableContext watching;

  @BeforeEach
  void startAndWatch() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    watching = Context.current().withCancellation();
    watching.run(
        () ->
            AdminServiceGrpc.newStub(control.channel())
                .watch(
                    WatchRequest.getDefaultInstance(),
                    new StreamObserver<>() {
                      @Override
                      public void onNext(FleetEvent event) {
                        events.add(event);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {}
                    }));
  }

  @AfterEach
  void stop() throws Exception {
    watching.cancel(null);
    control.close();
  }

  @Test
  void aWatcherSeesAProxyConnectAckApplyRefuseAndLeave() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);
    proxy.ack(proxy.latest()).applied(proxy.latest());
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    await().until(() -> proxy.latest().getVersion() == 2);
    control.clock().advance(Duration.ofMillis(75));
    proxy.ack(proxy.latest()).applied(proxy.latest());
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.2:80").build());
    await().until(() -> proxy.latest().getVersion() == 3);
    proxy.nack(proxy.latest(), "pool web: no");
    proxy.cancel();

    await().until(() -> proxyEvents().size() == 7);
    List<ProxyEvent> seen = proxyEvents();
    assertThat(seen)
        .extracting(e -> e.getKind() + " v" + e.getConfigVersion())
        .containsExactly(
            "CONNECTED v0",
            "ACKED v1",
            "APPLIED v1",
            "ACKED v2",
            "APPLIED v2",
            "NACKED v3",
            "DISCONNECTED v0");
    assertThat(seen).extracting(ProxyEvent::getProxyId).containsOnly("edge-1");
    assertThat(seen.get(2).hasPushLatency()).as("catching up after connecting").isFalse();
    assertThat(Durations.toMillis(seen.get(4).getPushLatency())).isEqualTo(75);
    assertThat(seen.get(5).getDetail()).isEqualTo("pool web: no");
  }

  @Test
  void aWatcherSeesAPoolFailOnAProxyAndRecoverWhenItsRetryBindsIt() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);
    PoolApplyFailure busy =
        PoolApplyFailure.newBuilder()
            .setPool("web")
            .setListen("0.0.0.0:8080")
            .setReason("cannot listen on 0.0.0.0:8080: in use")
            .build();

    proxy.ack(proxy.latest()).applied(proxy.latest(), busy);
    proxy.poolStatus(1, busy).poolStatus(1);

    await().until(() -> proxyEvents().size() == 5);
    List<ProxyEvent> seen = proxyEvents();
    assertThat(seen)
        .extracting(e -> e.getKind() + " v" + e.getConfigVersion())
        .containsExactly(
            "CONNECTED v0", "ACKED v1", "APPLIED v1", "POOL_FAILED v1", "POOL_RECOVERED v1");
    assertThat(seen.get(3).getPoolFailure()).isEqualTo(busy);
    assertThat(seen.get(3).getDetail()).isEqualTo(busy.getReason());
    assertThat(seen.get(4).getPoolFailure().getPool()).isEqualTo("web");
  }

  private List<ProxyEvent> proxyEvents() {
    return events.stream().filter(FleetEvent::hasProxy).map(FleetEvent::getProxy).toList();
  }
}
