package dev.weir.api.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "10s, PT10S", "1m, PT1M", "2h, PT2H", "1500ms, PT1.5S"})
  void parsesANumberWithAUnit(String text, Duration expected) {
    assertThat(DurationText.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"PT5S, PT5S", "PT1.5S, PT1.5S", "pt2m, PT2M", "PT0.25S, PT0.25S"})
  void parsesIsoDurationsToo(String text, Duration expected) {
    assertThat(DurationText.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10",
        "0s",
        "0ms",
        "1.5s",
        "10 s",
        "s",
        "-1s",
        "",
        "PT0S",
        "PT-1S",
        "-PT5S",
        "five seconds",
        "P"
      })
  void rejectsAnythingElseAsNotAPositiveDuration(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DurationText.parse(text))
        .withMessage(
            "'"
                + text
                + "' is not a positive duration: write a number followed by ms, "
                + "s, m or h (e.g. 500ms, 10s, 2m) or ISO-8601 (e.g. PT5S)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"200ms", "1500ms", "10s", "90s", "1m", "2h"})
  void formatsBackToWhatWasTyped(String text) {
    assertThat(DurationText.format(DurationText.parse(text))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "0, PT0S",
    "0s, PT0S",
    "0ms, PT0S",
    "250ms, PT0.25S",
    "5m, PT5M",
    "PT0S, PT0S",
    "PT30S, PT30S"
  })
  void settingsAcceptZeroForTheDefault(String text, Duration expected) {
    assertThat(DurationText.parseAllowingZero(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "-1s", "1.5s", "00", "5 m", "PT-1S"})
  void settingsRejectWhatIsNotADuration(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> DurationText.parseAllowingZero(text))
        .withMessageContaining("or 0 for the default");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "250ms", "1500ms", "30s", "5m", "24h"})
  void protoDurationsCarryTheSameLengthAndFormatTheSameWay(String text) {
    com.google.protobuf.Duration proto = DurationText.toProto(DurationText.parseAllowingZero(text));

    assertThat(DurationText.format(proto)).isEqualTo(text);
  }
}
