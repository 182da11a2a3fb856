package dev.weir.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import io.netty.channel.WriteBufferWaterMark;
import java.util.HashSet;
import java.util.Set;

/**
 * The proxy's last line of defence against the wire: any snapshot is either turned into a {@link
 * ProxyConfig} the listeners, pickers and relay can use as it is, or refused with an {@link
 * InvalidConfigException} saying why. Nothing else may come out of it.
 *
 * <p>{@code mvn verify} runs the seeds in {@code SnapshotValidatorFuzzTestInputs} only. To fuzz:
 * {@code JAZZER_FUZZ=1 mvn -o -pl data-plane -am test -Dtest=SnapshotValidatorFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class SnapshotValidatorFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void anyBytesOffTheWireAreAcceptedAsUsableOrRefusedWithAReason(byte[] bytes) {
    ConfigSnapshot snapshot;
    try {
      snapshot = ConfigSnapshot.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      // gRPC refuses these before the proxy sees them.
      return;
    }
    check(snapshot);
  }

  @FuzzTest(maxDuration = "5m")
  void anyWellFormedSnapshotIsAcceptedAsUsableOrRefusedWithAReason(FuzzedDataProvider data) {
    ConfigSnapshot.Builder snapshot = ConfigSnapshot.newBuilder().setVersion(data.consumeLong());
    int pools = data.consumeInt(0, 3);
    for (int p = 0; p < pools; p++) {
      Pool.Builder pool =
          Pool.newBuilder()
              .setName(data.consumeBoolean() ? "pool-" + p : data.consumeString(70))
              .setListen(
                  data.consumeBoolean()
                      ? ":" + data.consumeInt(-1, 70_000)
                      : data.consumeString(60))
              .setAlgorithmValue(data.consumeInt(-1, 7));
      int backends = data.consumeInt(0, 5);
      for (int b = 0; b < backends; b++) {
        Backend.Builder backend =
            Backend.newBuilder()
                .setAddress(
                    data.consumeBoolean()
                        ? "10.0.0." + data.consumeInt(0, 300) + ":" + data.consumeInt(-1, 70_000)
                        : data.consumeString(80))
                .setWeight(data.consumeInt())
                .setStateValue(data.consumeInt(-1, 3))
                .setEffectiveWeight(data.consumeInt());
        if (data.consumeBoolean()) {
          backend.setDrainDeadline(
              Timestamp.newBuilder().setSeconds(data.consumeLong()).setNanos(data.consumeInt()));
        }
        pool.addBackends(backend);
      }
      if (data.consumeBoolean()) {
        try {
          pool.setSettings(PoolSettings.parseFrom(data.consumeBytes(data.consumeInt(0, 200))));
        } catch (InvalidProtocolBufferException e) {
          // Leave the defaults.
        }
      }
      snapshot.addPools(pool);
    }
    check(snapshot.build());
  }

  private static void check(ConfigSnapshot snapshot) {
    ProxyConfig config;
    try {
      config = SnapshotValidator.validate(snapshot);
    } catch (InvalidConfigException e) {
      assertThat(e.getMessage()).isNotBlank();
      return;
    }
    assertUsable(config);
  }

  /** What the listeners, pickers and relay take for granted. */
  private static void assertUsable(ProxyConfig config) {
    Set<String> names = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    int backends = 0;
    for (PoolConfig pool : config.pools()) {
      assertThat(pool.name()).matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
      assertThat(names.add(pool.name())).isTrue();
      assertThat(pool.listenPort()).isBetween(1, 65535);
      assertThat(ports.add(pool.listenPort())).isTrue();
      assertThat(pool.backends()).hasSizeLessThanOrEqualTo(SnapshotRules.MAX_BACKENDS_PER_POOL);
      backends += pool.backends().size();
      Set<String> addresses = new HashSet<>();
      for (BackendConfig backend : pool.backends()) {
        assertThat(addresses.add(backend.address())).isTrue();
        assertThat(backend.balanceWeight()).isBetween(1, SnapshotRules.MAX_WEIGHT);
        assertThat(backend.socketAddress().getPort()).isBetween(1, 65535);
      }
      PoolOptions options = pool.options();
      assertThat(options.maxConnections()).isNotNegative();
      assertThat(options.maxConnectionsPerBackend()).isNotNegative();
      assertThat(options.socketBufferBytes()).isBetween(0, SnapshotRules.MAX_BUFFER_BYTES);
      assertThat(options.writeBufferHighBytes())
          .isLessThanOrEqualTo(SnapshotRules.MAX_BUFFER_BYTES);
      // What the listener builds from them; throws on a pair it cannot use.
      new WriteBufferWaterMark(options.writeBufferLowBytes(), options.writeBufferHighBytes());
      assertThat(options.maglevTableSize()).isGreaterThanOrEqualTo(pool.backends().size());
    }
    assertThat(config.pools()).hasSizeLessThanOrEqualTo(SnapshotRules.MAX_POOLS);
    assertThat(backends).isLessThanOrEqualTo(SnapshotRules.MAX_BACKENDS_TOTAL);
  }
}
