package dev.weir.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RelativeAgeTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "59, 59s",
    "60, 1m",
    "3599, 59m",
    "3600, 1h",
    "86399, 23h",
    "86400, 1d",
    "950400, 11d",
    "-30, 0s"
  })
  void printsTheLargestWholeUnit(long secondsAgo, String expected) {
    assertThat(RelativeAge.between(NOW.minusSeconds(secondsAgo), NOW)).isEqualTo(expected);
  }
}
