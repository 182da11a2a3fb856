package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.testing.PackageGraph;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The proxy's packages are its architecture: a package may use those below it, never one that uses
 * it back. The root package (the program and its wiring) sits on top of them all.
 */
class PackageDependenciesTest {
  private static final String ROOT = "dev.weir.proxy";
  private static final PackageGraph MAIN = PackageGraph.read(Path.of("src/main/java"), ROOT);

  @Test
  void proxyPackagesDependOnEachOtherOneWayOnly() {
    assertThat(MAIN.cycles()).as("packages that use each other, in a circle:\n%s", MAIN).isEmpty();
  }
}
