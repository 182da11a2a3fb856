package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.FleetEvent;
import dev.weir.api.v1.Revision;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoolRegistryRevisionTest {
  private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final InMemoryConfigStore store = new InMemoryConfigStore();
  private final MutableClock clock = new MutableClock(START);
  private final List<FleetEvent> events = new CopyOnWriteArrayList<>();
  private final List<ConfigSnapshot> announced = new CopyOnWriteArrayList<>();
  private PoolRegistry registry;

  @BeforeEach
  void startEmpty() throws IOException {
    registry = PoolRegistry.load(store, clock, events::add);
    registry.addListener(announced::add);
  }

  @Test
  void eachChangeIsStoredWithWhoDidWhatAndWhen() throws IOException {
    clock.advance(Duration.ofSeconds(5));

    ChangeOutcome outcome =
        registry.apply(
            PoolMutations.createPool(pool("web", ":8080")), intent("CreatePool", false, false));

    assertThat(outcome.dryRun()).isFalse();
    assertThat(outcome.diff()).isEqualTo("+ pool web listen :8080 algorithm round-robin");
    assertThat(store.revision(1))
        .contains(
            Revision.newBuilder()
                .setVersion(1)
                .setTime(Timestamps.parseUnchecked("2030-01-01T00:00:05Z"))
                .setActor("alice@laptop (127.0.0.1:5000)")
                .setOperation("CreatePool")
                .setDiff("+ pool web listen :8080 algorithm round-robin")
                .setConfig(outcome.config())
                .build());
  }

  @Test
  void eachAcceptedRevisionIsPublishedWithoutItsConfigAfterTheListenersHeardOfIt() {
    registry.addListener(s -> assertThat(events).isEmpty());

    registry.apply(
        PoolMutations.createPool(pool("web", ":8080")), intent("CreatePool", false, false));

    assertThat(events)
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.getRevision().getVersion()).isEqualTo(1);
              assertThat(event.getRevision().getOperation()).isEqualTo("CreatePool");
              assertThat(event.getRevision().hasConfig()).isFalse();
              assertThat(event.getTime()).isEqualTo(event.getRevision().getTime());
            });
  }

  @Test
  void aChangeThatAltersNothingRecordsAndPublishesNothing() {
    registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    registry.apply(PoolMutations.addBackend(backend("web", "10.0.0.1:80")));

    ChangeOutcome added =
        registry.apply(
            PoolMutations.addBackend(backend("web", "10.0.0.2:80")),
            intent("AddBackend", false, false));
    ChangeOutcome noop =
        registry.apply(
            PoolMutations.undrain("web", "10.0.0.2:80"), intent("UndrainBackend", false, false));

    assertThat(noop.diff()).isEmpty();
    assertThat(noop.config()).isSameAs(added.config());
    assertThat(events).hasSize(3);
    assertThat(store.commits()).hasSize(3);
  }

  @Test
  void aDryRunReturnsTheDiffAndTheWouldBePoolsButStoresAnnouncesAndPublishesNothing() {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    registry.apply(PoolMutations.addBackend(backend("web", "10.0.0.1:80")));
    ConfigSnapshot v2 = registry.current();
    events.clear();
    announced.clear();

    ChangeOutcome dryRun =
        registry.apply(
            PoolMutations.drain("web", "10.0.0.1:80", null), intent("DrainBackend", true, false));

    assertThat(dryRun.dryRun()).isTrue();
    assertThat(dryRun.diff()).isEqualTo("~ pool web backend 10.0.0.1:80 state active -> draining");
    assertThat(dryRun.config().getVersion()).isEqualTo(2);
    assertThat(dryRun.config().getPools(0).getBackends(0).getState())
        .isEqualTo(BackendState.DRAINING);
    assertThat(registry.current()).isEqualTo(v2);
    assertThat(store.commits()).hasSize(2);
    assertThat(store.load()).isEqualTo(v2);
    assertThat(events).isEmpty();
    assertThat(announced).isEmpty();
    assertThat(v1.getVersion()).isEqualTo(1);
  }

  @Test
  void aDryRunFailsExactlyAsTheRealChangeWould() {
    registry.apply(PoolMutations.createPool(pool("web", ":8080")));

    assertThatThrownBy(
            () ->
                registry.apply(
                    PoolMutations.createPool(pool("api", ":8080")),
                    intent("CreatePool", true, false)))
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
              assertThat(Status.fromThrowable(e).getDescription())
                  .startsWith("listen port 8080 is already used by pool \"web\";");
            });
  }

  @Test
  void aRestoreMakesAnEarlierConfigCurrentExactlyAsANewVersion() {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    registry.apply(PoolMutations.addBackend(backend("web", "10.0.0.1:80")));
    registry.apply(PoolMutations.createPool(pool("api", ":8081")));

    ChangeOutcome restored =
        registry.apply(
            PoolMutations.restore(1, v1.getPoolsList()), intent("Rollback", false, false));

    assertThat(restored.config().getVersion()).isEqualTo(4);
    assertThat(restored.config().getPoolsList()).isEqualTo(v1.getPoolsList());
    assertThat(restored.diff()).isEqualTo("- pool api\n- pool web backend 10.0.0.1:80");
  }

  private static ChangeIntent intent(String operation, boolean dryRun, boolean force) {
    return new ChangeIntent(operation, "alice@laptop (127.0.0.1:5000)", dryRun, force);
  }

  private static CreatePoolRequest pool(String name, String listen) {
    return CreatePoolRequest.newBuilder().setName(name).setListen(listen).build();
  }

  private static AddBackendRequest backend(String pool, String address) {
    return AddBackendRequest.newBuilder().setPool(pool).setAddress(address).build();
  }
}
