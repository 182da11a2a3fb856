package dev.weir.cli.args;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "10s, PT10S", "1m, PT1M", "2h, PT2H", "1500ms, PT1.5S"})
  void parsesANumberWithAUnit(String text, Duration expected) {
    assertThat(Durations.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "0s", "1.5s", "10 s", "s", "-1s", ""})
  void rejectsAnythingElse(String text) {
    assertThatIllegalArgumentException().isThrownBy(() -> Durations.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"200ms", "1500ms", "10s", "90s", "1m", "2h"})
  void formatsBackToWhatWasTyped(String text) {
    assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
  }
}
