package dev.weir.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalTextTest {

  @Test
  void controlCharactersArePrintedAsEscapes() {
    assertThat(TerminalText.escape("web\u001b]0;owned\u0007\r\u009b2J"))
        .isEqualTo("web\\x1b]0;owned\\x07\\x0d\\x9b2J");
  }

  @Test
  void bidiOverridesAndLineSeparatorsAreEscapedToo() {
    assertThat(TerminalText.escape("abc\u202edef\u2028")).isEqualTo("abc\\u202edef\\u2028");
  }

  @Test
  void ordinaryTextIsLeftAsItIsUnicodeIncluded() {
    String text = "pool web: backend [::1]:80 weight 3 -> 5, caf\u00e9 \u4e2d\u6587";
    assertThat(TerminalText.escape(text)).isSameAs(text);
  }

  @Test
  void linesAndTabsAreKeptOnlyWhenAsked() {
    assertThat(TerminalText.escapeKeepingLines("a\tb\nc\u001b")).isEqualTo("a\tb\nc\\x1b");
    assertThat(TerminalText.escape("a\tb\nc")).isEqualTo("a\\x09b\\x0ac");
  }
}
