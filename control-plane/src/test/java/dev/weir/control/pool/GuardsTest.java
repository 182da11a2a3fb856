package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.FieldMask;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Guards;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.UpdatePoolRequest;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.testing.InMemoryConfigStore;
import io.grpc.Status;
import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuardsTest {
  private final InMemoryConfigStore store = new InMemoryConfigStore();
  private PoolRegistry registry;

  @BeforeEach
  void start() throws IOException {
    registry = PoolRegistry.load(store, Clock.systemUTC(), FleetEventSink.NONE);
  }

  @Test
  void aDrainThatLeavesTooFewHealthyBackendsIsRefusedWithTheNumbers() {
    createWeb(guards(2, 0), "10.0.0.1:80", "10.0.0.2:80");

    assertRefused(
        () -> apply(PoolMutations.drain("web", "10.0.0.1:80", null), false),
        "pool \"web\" guard min_healthy_backends is 2: this change would leave 1 healthy "
            + "ACTIVE backend (now 2); use force to override");
  }

  @Test
  void removingAndDeletingAreGuardedToo() {
    createWeb(guards(2, 0), "10.0.0.1:80", "10.0.0.2:80");

    assertRefused(
        () -> apply(PoolMutations.removeBackend("web", "10.0.0.2:80"), false),
        "would leave 1 healthy ACTIVE backend (now 2)");
    assertRefused(
        () -> apply(PoolMutations.deletePool("web"), false),
        "would leave 0 healthy ACTIVE backends (now 2); deleting the pool leaves none");
  }

  @Test
  void backendsTheFleetSeesUnhealthyDoNotCount() {
    createWeb(guards(2, 0), "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80");
    registry.setHealthView((pool, address) -> address.equals("10.0.0.3:80"));

    assertRefused(
        () -> apply(PoolMutations.drain("web", "10.0.0.1:80", null), false),
        "would leave 1 healthy ACTIVE backend (now 2); 1 other ACTIVE backend is unhealthy "
            + "fleet-wide");
  }

  @Test
  void forceOverridesAGuardAndTheRevisionSaysSo() {
    createWeb(guards(2, 0), "10.0.0.1:80", "10.0.0.2:80");

    ChangeOutcome forced = apply(PoolMutations.drain("web", "10.0.0.1:80", null), true);

    assertThat(forced.config().getVersion()).isEqualTo(2);
    assertThat(forced.diff())
        .isEqualTo(
            "~ pool web backend 10.0.0.1:80 state active -> draining\n"
                + "! pool web forced: guard min_healthy_backends is 2: this change would leave 1 "
                + "healthy ACTIVE backend (now 2)");
    assertThat(store.revision(2).orElseThrow().getDiff()).isEqualTo(forced.diff());
  }

  @Test
  void forceOnAChangeThatBreaksNoGuardLeavesNoNote() {
    createWeb(guards(1, 0), "10.0.0.1:80", "10.0.0.2:80");

    ChangeOutcome outcome = apply(PoolMutations.drain("web", "10.0.0.1:80", null), true);

    assertThat(outcome.diff()).doesNotContain("forced");
  }

  @Test
  void aPoolAlreadyBelowItsMinimumCanStillGainAndUndrainBackends() {
    createWeb(guards(3, 0), "10.0.0.1:80");
    apply(PoolMutations.drain("web", "10.0.0.1:80", null), true);

    apply(PoolMutations.undrain("web", "10.0.0.1:80"), false);
    apply(
        PoolMutations.addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.2:80").build()),
        false);
    apply(PoolMutations.setWeight("web", "10.0.0.2:80", 5), false);

    assertThat(registry.current().getVersion()).isEqualTo(5);
  }

  @Test
  void drainingMoreThanTheMaximumShareIsRefused() {
    createWeb(guards(0, 50), "10.0.0.1:80", "10.0.0.2:80", "10.0.0.3:80", "10.0.0.4:80");
    apply(PoolMutations.drain("web", "10.0.0.1:80", null), false);
    apply(PoolMutations.drain("web", "10.0.0.2:80", null), false);

    assertRefused(
        () -> apply(PoolMutations.drain("web", "10.0.0.3:80", null), false),
        "pool \"web\" guard max_drain_percent is 50: this change would leave 3 of 4 backends "
            + "DRAINING (75%, now 2 of 4); use force to override");
    assertRefused(
        () -> apply(PoolMutations.removeBackend("web", "10.0.0.4:80"), false),
        "would leave 2 of 3 backends DRAINING (67%, now 2 of 4)");
  }

  @Test
  void guardsCanBeLoweredAndANewPoolIsNotHeldToItsOwnGuards() {
    apply(
        PoolMutations.createPool(
            CreatePoolRequest.newBuilder()
                .setName("web")
                .setListen(":8080")
                .setSettings(PoolSettings.newBuilder().setGuards(guards(5, 10)))
                .addBackends(
                    Backend.newBuilder().setAddress("10.0.0.1:80").setState(BackendState.DRAINING))
                .build()),
        false);

    apply(
        PoolMutations.updatePool(
            UpdatePoolRequest.newBuilder()
                .setPool(Pool.newBuilder().setName("web"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("settings.guards"))
                .build()),
        false);
    apply(PoolMutations.deletePool("web"), false);

    assertThat(registry.current().getPoolsList()).isEmpty();
  }

  @Test
  void aDryRunIsRefusedByAGuardJustAsTheRealChange() {
    createWeb(guards(2, 0), "10.0.0.1:80", "10.0.0.2:80");

    assertRefused(
        () ->
            registry.apply(
                PoolMutations.drain("web", "10.0.0.1:80", null),
                new ChangeIntent("DrainBackend", "test", true, false)),
        "min_healthy_backends is 2");
    ChangeOutcome forcedDryRun =
        registry.apply(
            PoolMutations.drain("web", "10.0.0.1:80", null),
            new ChangeIntent("DrainBackend", "test", true, true));
    assertThat(forcedDryRun.diff()).contains("! pool web forced: guard min_healthy_backends");
    assertThat(registry.current().getVersion()).isEqualTo(1);
  }

  @Test
  void guardValuesOutsideTheirRangesAreInvalid() {
    assertThat(
            SettingsRules.settings(PoolSettings.newBuilder().setGuards(guards(1000, 100)).build())
                .getGuards())
        .isEqualTo(guards(1000, 100));
    assertThatThrownBy(
            () ->
                SettingsRules.settings(
                    PoolSettings.newBuilder().setGuards(guards(1001, 0)).build()))
        .hasMessageContaining("settings.guards.min_healthy_backends must be 0..1000, got 1001");
    assertThatThrownBy(
            () ->
                SettingsRules.settings(PoolSettings.newBuilder().setGuards(guards(0, 101)).build()))
        .hasMessageContaining("settings.guards.max_drain_percent must be 0..100, got 101");
  }

  private void createWeb(Guards guards, String... addresses) {
    CreatePoolRequest.Builder request =
        CreatePoolRequest.newBuilder()
            .setName("web")
            .setListen(":8080")
            .setSettings(PoolSettings.newBuilder().setGuards(guards));
    for (String address : addresses) {
      request.addBackends(Backend.newBuilder().setAddress(address));
    }
    apply(PoolMutations.createPool(request.build()), false);
  }

  private ChangeOutcome apply(Mutation mutation, boolean force) {
    return registry.apply(mutation, new ChangeIntent("Test", "test", false, force));
  }

  private void assertRefused(ThrowingCallable call, String description) {
    ConfigSnapshot before = registry.current();
    assertThatThrownBy(call)
        .satisfies(
            e -> {
              assertThat(Status.fromThrowable(e).getCode())
                  .isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(Status.fromThrowable(e).getDescription()).contains(description);
            });
    assertThat(registry.current()).isSameAs(before);
    assertThat(Set.copyOf(store.commits())).hasSize((int) before.getVersion());
  }

  private static Guards guards(int minHealthy, int maxDrainPercent) {
    return Guards.newBuilder()
        .setMinHealthyBackends(minHealthy)
        .setMaxDrainPercent(maxDrainPercent)
        .build();
  }
}
