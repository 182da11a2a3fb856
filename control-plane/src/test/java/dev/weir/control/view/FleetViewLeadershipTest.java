package dev.weir.control.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.control.adaptive.AdaptiveWeightsLoop;
import dev.weir.control.events.FleetEventSink;
import dev.weir.control.fleet.ProxyFleet;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.testing.InMemoryConfigStore;
import dev.weir.control.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetViewLeadershipTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private final InMemoryConfigStore store = new InMemoryConfigStore();
  private final AtomicBoolean leader = new AtomicBoolean();
  private final PoolRegistry pools = registry(store, clock);
  private final ProxyFleet fleet = new ProxyFleet(pools, clock);
  private final FleetView view =
      new FleetView(pools, fleet, clock, FleetEventSink.NONE, leader::get);

  // Adaptive weights off, yet an effective weight left over: the loop's next tick clears it.
  private static PoolRegistry registry(InMemoryConfigStore store, MutableClock clock) {
    store.overwrite(
        ConfigSnapshot.newBuilder()
            .setVersion(1)
            .addPools(
                Pool.newBuilder()
                    .setName("web")
                    .setListen(":8080")
                    .addBackends(
                        Backend.newBuilder()
                            .setAddress("10.0.0.1:80")
                            .setWeight(10)
                            .setEffectiveWeight(4)))
            .build());
    try {
      return PoolRegistry.load(store, clock, FleetEventSink.NONE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterEach
  void close() {
    view.close();
    fleet.close();
  }

  @Test
  void adaptiveWeightsRunOnlyWhileThisControlPlaneLeads() {
    view.tick();
    view.tick();
    assertThat(store.commits()).as("commits while not leading").isEmpty();

    leader.set(true);
    view.tick();

    assertThat(store.commits()).hasSize(1);
    assertThat(store.revision(2))
        .hasValueSatisfying(
            r -> assertThat(r.getOperation()).isEqualTo(AdaptiveWeightsLoop.OPERATION));
    assertThat(pools.current().getPools(0).getBackends(0).getEffectiveWeight()).isZero();
  }
}
