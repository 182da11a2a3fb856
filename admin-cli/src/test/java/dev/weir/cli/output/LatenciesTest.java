package dev.weir.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LatenciesTest {

  @ParameterizedTest
  @CsvSource({
    "1, 1us",
    "850, 850us",
    "999, 999us",
    "1000, 1ms",
    "1234, 1.2ms",
    "1250, 1.3ms",
    "9949, 9.9ms",
    "9960, 10ms",
    "35400, 35ms",
    "999499, 999ms",
    "999500, 1s",
    "1500000, 1.5s",
    "12000000, 12s",
    "125000000, 125s"
  })
  void usesTheUnitThatKeepsTwoOrThreeDigits(long micros, String text) {
    assertThat(Latencies.format(micros)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"0", "-5"})
  void noMeasurementIsAnEmptyCell(long micros) {
    assertThat(Latencies.format(micros)).isEmpty();
  }
}
