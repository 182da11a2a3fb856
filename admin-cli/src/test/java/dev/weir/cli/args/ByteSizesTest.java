package dev.weir.cli.args;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {

  @ParameterizedTest
  @CsvSource({"0, 0", "1500, 1500", "64k, 65536", "64K, 65536", "1m, 1048576", "1g, 1073741824"})
  void parsesBytesOrANumberWithABinarySuffix(String text, long bytes) {
    assertThat(Integer.toUnsignedLong(ByteSizes.parse(text))).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "k", "64kb", "64 k", "1.5m", "-1", "0x10"})
  void rejectsAnythingElse(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ByteSizes.parse(text))
        .withMessageContaining("is not a size");
  }

  @ParameterizedTest
  @ValueSource(strings = {"4g", "4194304k", "99999999999", "9999999999g", "999999999999999999g"})
  void rejectsSizesAnUnsigned32BitFieldCannotHold(String text) {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ByteSizes.parse(text))
        .withMessageContaining("too large");
  }

  @Test
  void keepsTheFullUnsigned32BitRange() {
    assertThat(ByteSizes.format(ByteSizes.parse("4294967295"))).isEqualTo("4294967295");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "1500", "64k", "1m", "3g", "1025k"})
  void formatsBackToTheShortestFormThatParsesToTheSameSize(String text) {
    assertThat(ByteSizes.format(ByteSizes.parse(text))).isEqualTo(text);
  }
}
