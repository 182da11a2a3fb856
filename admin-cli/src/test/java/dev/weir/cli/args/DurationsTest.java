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

  @ParameterizedTest
  @CsvSource({"0, PT0S", "0s, PT0S", "0ms, PT0S", "250ms, PT0.25S", "5m, PT5M"})
  void settingsAcceptZeroForTheDefault(String text, Duration expected) {
    assertThat(Durations.parseAllowingZero(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "-1s", "1.5s", "00", "5 m"})
  void settingsRejectWhatIsNotADuration(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Durations.parseAllowingZero(text))
        .withMessageContaining("or 0 for the default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "250ms", "1500ms", "30s", "5m", "24h"})
  void protoDurationsCarryTheSameLengthAndFormatTheSameWay(String text) {
    com.google.protobuf.Duration proto = Durations.toProto(Durations.parseAllowingZero(text));

    assertThat(Durations.format(proto)).isEqualTo(text);
  }
}
