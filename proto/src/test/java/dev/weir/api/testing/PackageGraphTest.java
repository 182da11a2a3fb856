package dev.weir.api.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  private static final String ROOT = "dev.weir.control";

  @Test
  void aCycleIsReportedWithTheFilesThatCloseIt() {
    PackageGraph graph =
        PackageGraph.of(
            ROOT,
            Map.of(
                "A.java", "package dev.weir.control.a;\nimport dev.weir.control.b.B;\nclass A {}",
                "B.java", "package dev.weir.control.b;\nclass B { dev.weir.control.a.A a; }",
                "C.java", "package dev.weir.control.c;\nimport dev.weir.control.a.A;\nclass C {}"));

    assertThat(graph.cycles()).containsExactly("a -> b (A.java), b -> a (B.java)");
  }

  @Test
  void namesInCommentsAreNoDependencies() {
    PackageGraph graph =
        PackageGraph.of(
            ROOT,
            Map.of(
                "A.java",
                    "package dev.weir.control.a;\n/** See {@link dev.weir.control.b.B}. */\n"
                        + "class A { String s = \"// not a comment\"; } // dev.weir.control.b.B",
                "B.java",
                    "package dev.weir.control.b;\nimport static dev.weir.control.a.A.s;\n"
                        + "class B {}"));

    assertThat(graph.cycles()).isEmpty();
    assertThat(graph).hasToString("b -> a");
  }
}
