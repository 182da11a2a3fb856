package dev.weir.api.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogThrottleTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final LogThrottle throttle = new LogThrottle(Duration.ofSeconds(10), now::get);

  @Test
  void theFirstLineOfACauseIsLoggedAndRepeatsWithinTheIntervalAreNot() {
    assertThat(throttle.admit("Http2Exception")).isZero();
    for (int i = 0; i < 1_000; i++) {
      assertThat(throttle.admit("Http2Exception")).isEqualTo(LogThrottle.SUPPRESS);
    }
  }

  @Test
  void theNextLineAfterTheIntervalSaysHowManyWereLeftOut() {
    throttle.admit("Http2Exception");
    throttle.admit("Http2Exception");
    throttle.admit("Http2Exception");

    now.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(throttle.admit("Http2Exception")).isEqualTo(2);
    assertThat(throttle.admit("Http2Exception")).isEqualTo(LogThrottle.SUPPRESS);
  }

  @Test
  void eachCauseHasItsOwnAllowance() {
    throttle.admit("Http2Exception");

    assertThat(throttle.admit("SSLHandshakeException")).isZero();
  }

  @Test
  void theNoteIsEmptyWhenNothingWasLeftOut() {
    assertThat(LogThrottle.suppressedNote(0)).isEmpty();
    assertThat(LogThrottle.suppressedNote(37))
        .isEqualTo(" (37 more like it not logged since the last)");
  }

  @Test
  void anIntervalMustBePositive() {
    assertThatThrownBy(() -> new LogThrottle(Duration.ZERO, now::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interval must be positive");
  }
}
