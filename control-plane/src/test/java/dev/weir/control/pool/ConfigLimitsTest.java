package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLimitsTest {

  @Test
  void tenThousandBackendsWithLongNamesFitButAnyMoreBytesDoNot() {
    // 10 pools of 1,000 backends with 240-character host names: about 2.5 MB.
    List<Pool> pools = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      Pool.Builder pool = pool("pool-" + p, 9000 + p);
      for (int b = 0; b < 1000; b++) {
        pool.addBackends(
            Backend.newBuilder()
                .setWeight(1000)
                .setAddress(
                    "h"
                        + b
                        + "-"
                        + "x".repeat(60)
                        + "."
                        + "y".repeat(60)
                        + "."
                        + "z".repeat(60)
                        + "."
                        + "w".repeat(50)
                        + ".example:65535"));
      }
      pools.add(pool.build());
    }
    assertThatCode(() -> ConfigLimits.check(pools)).doesNotThrowAnyException();

    // Pools with the longest health check paths take it past 3 MiB.
    for (int p = 10; p < 1000; p++) {
      pools.add(
          pool("pool-" + p, 9000 + p)
              .setSettings(
                  PoolSettings.newBuilder()
                      .setHealthCheck(HealthCheck.newBuilder().setHttpPath("/" + "p".repeat(1023))))
              .build());
    }
    assertThatThrownBy(() -> ConfigLimits.check(pools))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              org.assertj.core.api.Assertions.assertThat(e.getStatus().getCode())
                  .isEqualTo(Status.Code.FAILED_PRECONDITION);
              org.assertj.core.api.Assertions.assertThat(e.getStatus().getDescription())
                  .contains("more than the 3145728 allowed");
            });
  }

  @Test
  void maglevTablesAreLimitedOverAllPools() {
    List<Pool> pools = new ArrayList<>();
    for (int p = 0; p < 255; p++) {
      pools.add(pool("pool-" + p, 9000 + p).setAlgorithm(Algorithm.MAGLEV).build());
    }
    assertThatCode(() -> ConfigLimits.check(pools)).doesNotThrowAnyException();

    pools.add(pool("one-more", 8999).setAlgorithm(Algorithm.MAGLEV).build());

    assertThatThrownBy(() -> ConfigLimits.check(pools))
        .hasMessageContaining(
            "the maglev tables of all pools would have 16777472 entries, "
                + "more than the 16777216 allowed");
  }

  @Test
  void aConfigAlreadyOverALimitMayShrinkButNotGrow() {
    List<Pool> over = new ArrayList<>();
    for (int p = 0; p < 11; p++) {
      Pool.Builder pool = pool("pool-" + p, 9000 + p);
      for (int b = 0; b < 1000; b++) {
        pool.addBackends(
            Backend.newBuilder()
                .setWeight(1)
                .setAddress("10.0." + (b / 250) + "." + (b % 250 + 1) + ":80"));
      }
      over.add(pool.build());
    }
    List<Pool> smaller = new ArrayList<>(over);
    smaller.set(0, over.get(0).toBuilder().removeBackends(0).build());
    List<Pool> bigger = new ArrayList<>(over);
    bigger.add(
        pool("more", 8000).addBackends(Backend.newBuilder().setAddress("10.9.9.9:80")).build());

    assertThatCode(() -> ConfigLimits.checkChange(over, smaller)).doesNotThrowAnyException();
    assertThatThrownBy(() -> ConfigLimits.checkChange(over, bigger))
        .hasMessageContaining(
            "would have 11001 backends in all pools together, more than the " + "10000 allowed");
    assertThatThrownBy(() -> ConfigLimits.check(smaller))
        .hasMessageContaining("would have 10999 backends");
  }

  private static Pool.Builder pool(String name, int port) {
    return Pool.newBuilder().setName(name).setListen(":" + port);
  }
}
