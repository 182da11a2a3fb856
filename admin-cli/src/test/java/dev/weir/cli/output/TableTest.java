package dev.weir.cli.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void columnsAreAlignedUnderAnUpperCaseHeaderWithoutTrailingSpaces() {
    String table =
        new Table("name", "listen").row("web", ":8080").row("database", ":5432").render();

    assertThat(table).isEqualTo("NAME       LISTEN\nweb        :8080\ndatabase   :5432\n");
  }

  @Test
  void emptyAndMissingCellsPrintAsADash() {
    String table = new Table("A", "B", "C").row("", null, 0).render();

    assertThat(table.lines()).containsExactly("A   B   C", "-   -   0");
  }

  @Test
  void aRowMustHaveOneCellPerColumn() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Table("A", "B").row("only one"));
  }
}
