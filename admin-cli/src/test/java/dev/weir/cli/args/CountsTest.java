package dev.weir.cli.args;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class CountsTest {

  @ParameterizedTest
  @ValueSource(strings = {"0", "3", "65537", "4294967295"})
  void acceptsEveryValueAnUnsigned32BitFieldHolds(String text) {
    assertThat(Counts.format(Counts.parse(text))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({
    "-1, not a whole number",
    "+5, not a whole number",
    "1.5, not a whole number",
    "'', not a whole number",
    "4294967296, too large"
  })
  void rejectsWhatCannotBeSent(String text, String problem) {
    assertThatThrownBy(() -> Counts.parse(text)).hasMessageContaining(problem);
  }

  @ParameterizedTest
  @CsvSource({"10, 10", "10%, 10", "0%, 0"})
  void percentagesMayBeWrittenWithOrWithoutTheSign(String text, int percent) {
    assertThat(new PercentConverter().convert(text)).isEqualTo(percent);
  }

  @ParameterizedTest
  @ValueSource(strings = {"%", "10%%", "ten", "10 %"})
  void percentagesRejectAnythingElse(String text) {
    assertThatThrownBy(() -> new PercentConverter().convert(text))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("is not a percentage");
  }
}
