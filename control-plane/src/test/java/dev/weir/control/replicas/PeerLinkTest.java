package dev.weir.control.replicas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.FollowRequest;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.ReplicaServiceGrpc;
import dev.weir.api.v1.ReplicaUpdate;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A link to another replica, against a replica that syncs and then says nothing at all. */
class PeerLinkTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-07T12:00:00Z"));
  private final ProxyFleet fleet;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<StreamObserver<ReplicaUpdate>> follows = new CopyOnWriteArrayList<>();
  private Server server;
  private PeerLink link;

  PeerLinkTest() throws Exception {
    fleet = ProxyFleet.builder(PoolRegistry.load(new InMemoryConfigStore()), clock).build();
  }

  @AfterEach
  void stop() {
    if (link != null) {
      link.close();
    }
    if (server != null) {
      server.shutdownNow();
    }
    scheduler.shutdownNow();
    fleet.close();
  }

  @Test
  void aReplicaThatGoesQuietIsMissingAndFollowedAgainOnceItAnswers() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new ReplicaServiceGrpc.ReplicaServiceImplBase() {
                  @Override
                  public void follow(
                      FollowRequest request, StreamObserver<ReplicaUpdate> response) {
                    response.onNext(
                        ReplicaUpdate.newBuilder().setReplicaId("r2").setSynced(true).build());
                    // And then nothing, as a replica that hangs (or a partition that keeps the TCP
                    // connection) sends nothing.
                    follows.add(response);
                  }
                })
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    fleet.replicaJoined("r2", "in-process");
    link =
        new PeerLink("r2", "in-process", "r1", () -> "", channel, fleet, clock, scheduler).start();
    await().until(() -> fleet.coverage().getReplicasList().contains("r2"));

    clock.advance(PeerLink.QUIET.minusMillis(1));
    link.check();
    assertThat(fleet.coverage().getMissingList()).isEmpty();

    clock.advance(Duration.ofMillis(1));
    link.check();

    MissingReplica missing = fleet.coverage().getMissing(0);
    assertThat(missing.getReplicaId()).isEqualTo("r2");
    assertThat(missing.getReason()).contains("sent nothing for 3 s");
    // The link reopens by itself after its backoff, and the replica syncs again.
    await().until(() -> follows.size() == 2);
    await().until(() -> fleet.coverage().getMissingList().isEmpty());
  }
}
