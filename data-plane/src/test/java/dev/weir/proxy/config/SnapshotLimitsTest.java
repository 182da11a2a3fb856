package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.Tuning;
import org.junit.jupiter.api.Test;

/** A proxy holds a snapshot to the control plane's limits itself: it never trusts the wire. */
class SnapshotLimitsTest {

  @Test
  void aMillionBackendsAreRefusedByCountBeforeAnyIsLookedAt() {
    Pool.Builder pool = pool("web", 8080);
    Backend nonsense = Backend.getDefaultInstance();
    for (int i = 0; i < 1_000_000; i++) {
      pool.addBackends(nonsense);
    }

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(pool)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("pool web has 1000000 backends, more than the 1000 allowed");
  }

  @Test
  void moreThanTenThousandBackendsInAllPoolsAreRefused() {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(1);
    for (int p = 0; p < 11; p++) {
      Pool.Builder pool = pool("pool-" + p, 9000 + p);
      for (int b = 0; b < 1000; b++) {
        pool.addBackends(
            Backend.newBuilder()
                .setAddress("10.0." + (b / 250) + "." + (b % 250 + 1) + ":80")
                .setWeight(1));
      }
      snapshot.addPools(pool);
    }

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot.build()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("the snapshot has 11000 backends in all pools, more than the 10000 allowed");
  }

  @Test
  void moreThanAThousandPoolsAreRefused() {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(1);
    for (int p = 0; p < 1001; p++) {
      snapshot.addPools(pool("pool-" + p, 9000 + p));
    }

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot.build()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("the snapshot has 1001 pools, more than the 1000 allowed");
  }

  @Test
  void poolNamesOutsideThePatternAreRefused() {
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(pool("Web\n", 8080))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("is invalid: use 1..63 of [a-z0-9-]");
  }

  @Test
  void maglevTablesOverSixteenMillionEntriesInAllPoolsAreRefused() {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(1);
    for (int p = 0; p < 17; p++) {
      snapshot.addPools(
          pool("pool-" + p, 9000 + p)
              .setAlgorithm(Algorithm.MAGLEV)
              .setSettings(PoolSettings.newBuilder().setMaglevTableSize(1_000_003)));
    }

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot.build()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "pool pool-16: the maglev tables of all pools would have 17000051 entries, "
                + "more than the 16777216 allowed");
  }

  @Test
  void waterMarksOutsideOneKibToSixtyFourMibAreRefused() {
    Pool.Builder negative =
        pool("web", 8080)
            .setSettings(
                PoolSettings.newBuilder()
                    .setTuning(
                        Tuning.newBuilder()
                            .setWriteBufferLowBytes(-5)
                            .setWriteBufferHighBytes(10)));
    Pool.Builder huge =
        pool("web", 8080)
            .setSettings(
                PoolSettings.newBuilder()
                    .setTuning(Tuning.newBuilder().setWriteBufferHighBytes(Integer.MAX_VALUE)));

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(negative)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("must be 1024..67108864, got -5 and 10");
    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(huge)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("must be 1024..67108864, got 32768 and 2147483647");
  }

  @Test
  void aSocketBufferBeyondIntRangeIsRefused() {
    Pool.Builder pool =
        pool("web", 8080)
            .setSettings(
                PoolSettings.newBuilder().setTuning(Tuning.newBuilder().setSocketBufferBytes(-1)));

    assertThatThrownBy(() -> SnapshotValidator.validate(snapshot(pool)))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("socket_buffer_bytes must be 0..67108864, got 4294967295");
  }

  @Test
  void aConnectionCapBeyondIntRangeIsNoCapRatherThanANegativeOne() throws Exception {
    Pool.Builder pool =
        pool("web", 8080)
            .setSettings(
                PoolSettings.newBuilder()
                    .setLimits(
                        Limits.newBuilder().setMaxConnections(-1).setMaxConnectionsPerBackend(-2)));

    PoolOptions options = SnapshotValidator.validate(snapshot(pool)).pools().get(0).options();

    assertThat(options.maxConnections()).isEqualTo(Integer.MAX_VALUE);
    assertThat(options.maxConnectionsPerBackend()).isEqualTo(Integer.MAX_VALUE);
  }

  private static Pool.Builder pool(String name, int port) {
    return Pool.newBuilder()
        .setName(name)
        .setListen(":" + port)
        .setAlgorithm(Algorithm.ROUND_ROBIN);
  }

  private static ConfigSnapshot snapshot(Pool.Builder pool) {
    return ConfigSnapshot.newBuilder().setVersion(1).addPools(pool).build();
  }
}
