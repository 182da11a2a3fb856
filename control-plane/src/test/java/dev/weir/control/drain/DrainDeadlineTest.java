package dev.weir.control.drain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import dev.weir.api.v1.DrainBackendRequest;
import dev.weir.control.testing.MutableClock;
import io.grpc.Status;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DrainDeadlineTest {
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));

  @Test
  void aDeadlineBecomesTheTimeItEndsAt() {
    Timestamp at = DrainDeadline.of(request(Duration.newBuilder().setSeconds(30).build()), clock);

    assertThat(at)
        .isEqualTo(
            Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond() + 30).build());
  }

  @Test
  void withoutADeadlineThereIsNone() {
    assertThat(DrainDeadline.of(DrainBackendRequest.getDefaultInstance(), clock)).isNull();
  }

  @Test
  void theBoundsThemselvesAreAllowed() {
    assertThat(DrainDeadline.of(request(seconds(1)), clock)).isNotNull();
    assertThat(DrainDeadline.of(request(seconds(86_400)), clock)).isNotNull();
  }

  @ParameterizedTest(name = "{0}s {1}ns")
  @CsvSource({"0, 0", "0, 999999999", "86400, 1", "-5, 0", "1, -1"})
  void aDeadlineOutsideOneSecondToADayIsAnInvalidArgumentNamingTheField(long s, int nanos) {
    DrainBackendRequest request =
        request(Duration.newBuilder().setSeconds(s).setNanos(nanos).build());

    assertThatThrownBy(() -> DrainDeadline.of(request, clock))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(status.getDescription()).startsWith("deadline must be 1s..24h, got ");
            });
  }

  private static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  private static DrainBackendRequest request(Duration deadline) {
    return DrainBackendRequest.newBuilder()
        .setPool("web")
        .setAddress("10.0.0.1:80")
        .setDeadline(deadline)
        .build();
  }
}
