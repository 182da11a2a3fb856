package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.testing.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The control plane's packages are its architecture: a package may use those below it, never one
 * that uses it back, so that each can be read (and changed) knowing only what is below.
 */
class PackageDependenciesTest {
  private static final String ROOT = "dev.weir.control";
  private static final PackageGraph MAIN = PackageGraph.read(Path.of("src/main/java"), ROOT);

  @Test
  void controlPlanePackagesDependOnEachOtherOneWayOnly() {
    assertThat(MAIN.cycles()).as("packages that use each other, in a circle:\n%s", MAIN).isEmpty();
  }
}
