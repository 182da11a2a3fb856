package dev.weir.control.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.CloseConnectionRequest;
import dev.weir.api.v1.FollowRequest;
import dev.weir.api.v1.ListConnectionsRequest;
import dev.weir.api.v1.ReplicaServiceGrpc;
import dev.weir.api.v1.ReplicaServiceGrpc.ReplicaServiceBlockingStub;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What another replica may ask, checked as AdminService checks what operators ask. */
class ReplicaServiceTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final PoolRegistry pools;
  private final ProxyFleet fleet;
  private final Server server;
  private final ManagedChannel channel;

  ReplicaServiceTest() throws Exception {
    pools = PoolRegistry.load(new InMemoryConfigStore());
    fleet = ProxyFleet.builder(pools, clock).build();
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(new ReplicaServiceImpl(new ReplicaFeed(fleet, clock), fleet, pools))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    fleet.close();
  }

  @Test
  void aReplicaOfAnotherFleetIsRefused() {
    var updates =
        stub()
            .follow(
                FollowRequest.newBuilder().setReplicaId("r9").setFleetId("another-fleet").build());

    assertThatThrownBy(updates::next)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription())
                  .contains("replica r9 serves fleet another-fleet", pools.current().getFleetId());
            });
  }

  @Test
  void aReplicaOfThisFleetGetsTheProxiesAndThenTheSyncedMark() {
    var updates =
        stub()
            .follow(
                FollowRequest.newBuilder()
                    .setReplicaId("r2")
                    .setFleetId(pools.current().getFleetId())
                    .build());

    assertThat(updates.next().getSynced()).isTrue();
  }

  @Test
  void badConnectionRequestsNameTheField() {
    assertThatThrownBy(
            () ->
                stub()
                    .listLocalConnections(ListConnectionsRequest.newBuilder().setLimit(0).build()))
        .hasMessageContaining("INVALID_ARGUMENT: limit must be 1..10000, got 0");
    assertThatThrownBy(
            () ->
                stub()
                    .closeLocalConnection(
                        CloseConnectionRequest.newBuilder().setId("edge-1").build()))
        .hasMessageContaining("INVALID_ARGUMENT: id \"edge-1\" is invalid: use PROXY-ID/SEQUENCE");
    assertThatThrownBy(
            () ->
                stub()
                    .closeLocalConnection(CloseConnectionRequest.newBuilder().setId("/5").build()))
        .hasMessageContaining("INVALID_ARGUMENT: id \"/5\" is invalid");
  }

  private ReplicaServiceBlockingStub stub() {
    return ReplicaServiceGrpc.newBlockingStub(channel);
  }
}
