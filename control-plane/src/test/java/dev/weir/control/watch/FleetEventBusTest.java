package dev.weir.control.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.DrainEvent;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.HealthEvent;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.ProxyEvent;
import dev.weir.api.v1.Revision;
import dev.weir.api.v1.WatchRequest;
import dev.weir.control.testing.MutableClock;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetEventBusTest {
  private static final int QUEUE_LIMIT = 4;

  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final ExecutorService delivery = Executors.newSingleThreadExecutor();
  private final FleetEventBus bus = new FleetEventBus(clock, delivery, QUEUE_LIMIT);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void serveWatch() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(
                new AdminServiceGrpc.AdminServiceImplBase() {
                  @Override
                  public void watch(WatchRequest request, StreamObserver<FleetEvent> response) {
                    bus.watch(request, response);
                  }
                })
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() throws Exception {
    bus.close();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    delivery.shutdownNow();
  }

  @Test
  void aWatcherGetsEveryEventInTheOrderItWasPublished() {
    Watch watch = watch(WatchRequest.getDefaultInstance(), true);

    // Bursts as long as the queue, each taken before the next: none may be lost.
    for (long version = 1; version <= 40; version++) {
      bus.publish(revision(version));
      if (version % QUEUE_LIMIT == 0) {
        long published = version;
        await().pollInterval(Duration.ofMillis(5)).until(() -> watch.events.size() == published);
      }
    }

    assertThat(watch.events)
        .extracting(e -> e.getRevision().getVersion())
        .containsExactlyElementsOf(range(1, 40));
    assertThat(watch.events).extracting(FleetEvent::getMissed).containsOnly(0L);
  }

  @Test
  void aWatcherOfSomePoolsGetsOnlyTheEventsAboutThem() {
    bus.configChanged(snapshot(1, pool("api", 1), pool("web", 1)));
    bus.configChanged(snapshot(2, pool("api", 1), pool("web", 2)));
    bus.configChanged(snapshot(3, pool("api", 2), pool("web", 2)));
    bus.configChanged(snapshot(4, pool("api", 2)));
    Watch web = watch(WatchRequest.newBuilder().addPools("web").build(), true);

    bus.publish(revision(2));
    bus.publish(revision(3));
    bus.publish(revision(4));
    bus.publish(health("api"));
    bus.publish(health("web"));
    bus.publish(proxy(ProxyEvent.Kind.CONNECTED));
    bus.publish(drain("web"));

    // The last event is one it follows: once it is there, every event before it was decided.
    await().until(() -> web.events.stream().anyMatch(FleetEvent::hasDrain));
    assertThat(web.events)
        .extracting(FleetEventBusTest::describe)
        .containsExactly("revision 2", "revision 4", "health web", "drain web");
  }

  @Test
  void aRevisionWhosePoolsAreNotKnownReachesEveryWatcher() {
    Watch web = watch(WatchRequest.newBuilder().addPools("web").build(), true);

    bus.publish(revision(9));

    await().until(() -> web.events.size() == 1);
  }

  @Test
  void aSlowWatcherLosesTheOldestEventsAndTheNextItGetsSaysHowMany() {
    Watch slow = watch(WatchRequest.getDefaultInstance(), false);

    for (long version = 1; version <= 10; version++) {
      bus.publish(revision(version));
    }
    slow.read(10);

    await().until(() -> slow.events.size() == QUEUE_LIMIT);
    assertThat(slow.events)
        .extracting(e -> e.getRevision().getVersion())
        .containsExactly(7L, 8L, 9L, 10L);
    assertThat(slow.events).extracting(FleetEvent::getMissed).containsExactly(6L, 0L, 0L, 0L);
  }

  @Test
  void eventsPublishedWithoutATimeGetTheBusClocksTime() {
    Watch watch = watch(WatchRequest.getDefaultInstance(), true);

    bus.publish(revision(1));

    await().until(() -> watch.events.size() == 1);
    assertThat(watch.events.get(0).getTime()).isEqualTo(Timestamps.fromMillis(clock.millis()));
  }

  @Test
  void aWatcherThatCancelsIsForgotten() {
    Watch watch = watch(WatchRequest.getDefaultInstance(), true);
    await().until(() -> bus.watchers() == 1);

    watch.requests.cancel("done watching", null);

    await().until(() -> bus.watchers() == 0);
    bus.publish(revision(1));
  }

  @Test
  void closingTheBusEndsEveryWatchWithUnavailable() {
    Watch watch = watch(WatchRequest.getDefaultInstance(), true);
    await().until(() -> bus.watchers() == 1);

    bus.close();

    await().until(() -> watch.closedWith != null);
    assertThat(watch.closedWith.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(bus.watchers()).isZero();
  }

  @Test
  void anInvalidPoolNameIsRefused() {
    Watch watch = watch(WatchRequest.newBuilder().addPools("Web!").build(), true);

    await().until(() -> watch.closedWith != null);
    assertThat(watch.closedWith.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(watch.closedWith.getDescription()).contains("pool name \"Web!\" is invalid");
  }

  private Watch watch(WatchRequest request, boolean readsEverything) {
    Watch watch = new Watch(readsEverything);
    AdminServiceGrpc.newStub(channel).watch(request, watch);
    return watch;
  }

  /** A watcher's side of the stream; one that does not read everything reads when told. */
  private static final class Watch implements ClientResponseObserver<WatchRequest, FleetEvent> {
    final List<FleetEvent> events = new CopyOnWriteArrayList<>();
    final boolean readsEverything;
    volatile ClientCallStreamObserver<WatchRequest> requests;
    volatile Status closedWith;

    Watch(boolean readsEverything) {
      this.readsEverything = readsEverything;
    }

    void read(int count) {
      requests.request(count);
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
      requests = requestStream;
      if (!readsEverything) {
        requestStream.disableAutoRequestWithInitial(0);
      }
    }

    @Override
    public void onNext(FleetEvent event) {
      events.add(event);
    }

    @Override
    public void onError(Throwable t) {
      closedWith = Status.fromThrowable(t);
    }

    @Override
    public void onCompleted() {
      closedWith = Status.OK;
    }
  }

  private static String describe(FleetEvent event) {
    switch (event.getKindCase()) {
      case REVISION:
        return "revision " + event.getRevision().getVersion();
      case HEALTH:
        return "health " + event.getHealth().getPool();
      case DRAIN:
        return "drain " + event.getDrain().getPool();
      default:
        return event.getKindCase().toString();
    }
  }

  private static FleetEvent revision(long version) {
    return FleetEvent.newBuilder()
        .setRevision(Revision.newBuilder().setVersion(version).setOperation("AddBackend"))
        .build();
  }

  private static FleetEvent health(String pool) {
    return FleetEvent.newBuilder()
        .setHealth(
            HealthEvent.newBuilder()
                .setPool(pool)
                .setBackend("10.0.0.1:80")
                .setHealth(FleetHealth.FLEET_UNHEALTHY)
                .setPrevious(FleetHealth.FLEET_HEALTHY))
        .build();
  }

  private static FleetEvent drain(String pool) {
    return FleetEvent.newBuilder()
        .setDrain(DrainEvent.newBuilder().setPool(pool).setBackend("10.0.0.1:80"))
        .build();
  }

  private static FleetEvent proxy(ProxyEvent.Kind kind) {
    return FleetEvent.newBuilder()
        .setProxy(ProxyEvent.newBuilder().setKind(kind).setProxyId("edge-1"))
        .build();
  }

  private static ConfigSnapshot snapshot(long version, Pool... pools) {
    return ConfigSnapshot.newBuilder().setVersion(version).addAllPools(List.of(pools)).build();
  }

  /** A pool whose only backend's weight marks its revision. */
  private static Pool pool(String name, int weight) {
    return Pool.newBuilder()
        .setName(name)
        .setListen(":" + (8000 + name.length()))
        .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80").setWeight(weight))
        .build();
  }

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }
}
