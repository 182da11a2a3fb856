package dev.weir.control.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Programs a test needs from the machine (etcd, redis-server, ...). Without one the test is
 * skipped, except in CI ({@code CI=true}), where it fails: CI installs them, so a missing one is a
 * broken build, not a reason to skip.
 */
public final class Installed {

  private Installed() {}

  /** {@code name} on the PATH, or null if it is not there. */
  public static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /**
   * Skips the calling test unless {@code found}, or fails it in CI.
   *
   * @param message what is missing and how to install it
   */
  public static void require(boolean found, String message) {
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException(message);
    }
    assumeTrue(found, message);
  }
}
