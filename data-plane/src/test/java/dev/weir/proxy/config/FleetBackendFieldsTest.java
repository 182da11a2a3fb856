package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The backend fields the control plane sets from the fleet: effective weight, drain deadline. */
class FleetBackendFieldsTest {

  private static final Timestamp NOON =
      Timestamp.newBuilder().setSeconds(1_900_000_000L).setNanos(250_000_000).build();

  @Test
  void anEffectiveWeightIsWhatTheBackendIsBalancedBy() throws Exception {
    BackendConfig backend = only(backend(BackendState.ACTIVE).setWeight(3).setEffectiveWeight(2));

    assertThat(backend.weight()).isEqualTo(3);
    assertThat(backend.effectiveWeight()).isEqualTo(2);
    assertThat(backend.balanceWeight()).isEqualTo(2);
  }

  @Test
  void withoutAnEffectiveWeightTheConfiguredOneIsUsed() throws Exception {
    BackendConfig backend = only(backend(BackendState.ACTIVE).setWeight(3));

    assertThat(backend.effectiveWeight()).isZero();
    assertThat(backend.balanceWeight()).isEqualTo(3);
  }

  @Test
  void anEffectiveWeightAboveTheWeightRangeIsRefusedNamingTheField() {
    assertThatThrownBy(() -> only(backend(BackendState.ACTIVE).setEffectiveWeight(1001)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll(
            "pool web", "backend 10.0.0.1:80", "effective_weight", "0..1000", "got 1001");
    assertThatThrownBy(() -> only(backend(BackendState.ACTIVE).setEffectiveWeight(-1)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("got 4294967295");
  }

  @Test
  void aDrainingBackendKeepsItsFleetDrainDeadline() throws Exception {
    BackendConfig backend = only(backend(BackendState.DRAINING).setDrainDeadline(NOON));

    assertThat(backend.drainDeadline())
        .isEqualTo(Instant.ofEpochSecond(1_900_000_000L, 250_000_000));
  }

  @Test
  void aDeadlineLeftOnAnActiveBackendIsIgnored() throws Exception {
    BackendConfig backend = only(backend(BackendState.ACTIVE).setDrainDeadline(NOON));

    assertThat(backend.drainDeadline()).isNull();
  }

  @Test
  void aDrainDeadlineOutsideTheTimestampRangeIsRefused() {
    Timestamp bad = Timestamp.newBuilder().setSeconds(1).setNanos(-5).build();

    assertThatThrownBy(() -> only(backend(BackendState.DRAINING).setDrainDeadline(bad)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContainingAll("backend 10.0.0.1:80", "drain_deadline", "not a valid time");
  }

  private static Backend.Builder backend(BackendState state) {
    return Backend.newBuilder().setAddress("10.0.0.1:80").setWeight(1).setState(state);
  }

  private static BackendConfig only(Backend.Builder backend) throws InvalidConfigException {
    ProxyConfig config =
        SnapshotValidator.validate(
            ConfigSnapshot.newBuilder()
                .setVersion(1)
                .addPools(
                    Pool.newBuilder()
                        .setName("web")
                        .setListen(":8080")
                        .setAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN)
                        .addBackends(backend))
                .build());
    return config.pools().get(0).backends().get(0);
  }
}
