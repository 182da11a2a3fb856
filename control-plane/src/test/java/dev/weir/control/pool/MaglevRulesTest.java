package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.rules.SnapshotRules;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

class MaglevRulesTest {

  @Test
  void primesAreRecognisedUpToTheLargestTableSize() {
    assertThat(SnapshotRules.isPrime(2)).isTrue();
    assertThat(SnapshotRules.isPrime(101)).isTrue();
    assertThat(SnapshotRules.isPrime(65_537)).isTrue();
    assertThat(SnapshotRules.isPrime(1_000_003)).isTrue();
    assertThat(SnapshotRules.isPrime(0)).isFalse();
    assertThat(SnapshotRules.isPrime(1)).isFalse();
    assertThat(SnapshotRules.isPrime(1000)).isFalse();
    assertThat(SnapshotRules.isPrime(1_000_001)).isFalse();
    assertThat(MaglevRules.nextPrime(400)).isEqualTo(401);
    assertThat(MaglevRules.nextPrime(65_600)).isEqualTo(65_609);
  }

  @Test
  void aGivenSizeThatIsNotPrimeIsInvalidWithTheBoundsForThePoolsBackends() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 3, 1000), true))
        .satisfies(
            e ->
                assertInvalid(
                    e,
                    "settings.maglev_table_size must be a prime >= "
                        + "100 x backends (300) and <= 1000003, got 1000"));
  }

  @Test
  void aGivenSizeTooSmallForTheBackendsIsInvalid() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 3, 293), true))
        .satisfies(e -> assertInvalid(e, "got 293"));
    assertThatCode(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 3, 307), true))
        .doesNotThrowAnyException();
  }

  @Test
  void aPoolWithoutBackendsStillNeedsATableOfAtLeastOneHundred() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 0, 97), true))
        .satisfies(e -> assertInvalid(e, "(100)", "got 97"));
    assertThatCode(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 0, 101), true))
        .doesNotThrowAnyException();
  }

  @Test
  void sizesAboveTheMaximumAreInvalidEvenWhenPrime() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 1, 1_000_033), true))
        .satisfies(e -> assertInvalid(e, "<= 1000003, got 1000033"));
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 1, -1), true))
        .satisfies(e -> assertInvalid(e, "got 4294967295"));
    assertThatCode(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 1, 1_000_003), true))
        .doesNotThrowAnyException();
  }

  @Test
  void moreBackendsThanAStoredSizeAllowsIsAFailedPreconditionSayingWhatToDo() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 4, 307), false))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(status.getDescription())
                  .isEqualTo(
                      "pool \"web\" would have 4 backends, "
                          + "too many for its settings.maglev_table_size 307 (a prime >= 100 x backends is "
                          + "needed, so >= 400): raise settings.maglev_table_size, e.g. to 401, or unset it "
                          + "to use the default 65537");
            });
  }

  @Test
  void aSetSizeMustFitTheBackendsWhateverTheAlgorithm() {
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.ROUND_ROBIN, 4, 307), false))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.FAILED_PRECONDITION));
  }

  @Test
  void theDefaultSizeFitsAtMost655BackendsOfAMaglevPool() {
    assertThatCode(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 655, 0), false))
        .doesNotThrowAnyException();
    assertThatCode(() -> MaglevRules.check(pool(Algorithm.P2C, 656, 0), false))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> MaglevRules.check(pool(Algorithm.MAGLEV, 656, 0), true))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(status.getDescription())
                  .isEqualTo(
                      "pool \"web\" would have 656 backends, "
                          + "too many for the default settings.maglev_table_size 65537 (at most 655 "
                          + "backends): set settings.maglev_table_size to a prime >= 65600 and <= 1000003, "
                          + "e.g. 65609");
            });
  }

  private static void assertInvalid(Throwable e, String... fragments) {
    Status status = Status.fromThrowable(e);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains(fragments);
  }

  private static Pool pool(Algorithm algorithm, int backends, int tableSize) {
    Pool.Builder pool =
        Pool.newBuilder()
            .setName("web")
            .setListen(":80")
            .setAlgorithm(algorithm)
            .setSettings(PoolSettings.newBuilder().setMaglevTableSize(tableSize));
    for (int i = 0; i < backends; i++) {
      pool.addBackends(
          Backend.newBuilder()
              .setAddress("10.0." + i / 250 + "." + (i % 250 + 1) + ":80")
              .setWeight(1));
    }
    return pool.build();
  }
}
