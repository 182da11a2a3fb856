package dev.weir.control.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Stored state exists but cannot be trusted. Starting with an empty configuration instead would
 * silently drop every pool, so callers should stop and let an operator look.
 */
public final class StoreCorruptException extends IOException {
  private final Path path;

  public StoreCorruptException(Path path, String problem) {
    super(path + " is corrupt: " + problem);
    this.path = path;
  }

  public StoreCorruptException(Path path, String problem, Throwable cause) {
    super(path + " is corrupt: " + problem, cause);
    this.path = path;
  }

  /** For stored state that is not a file: {@code location} names the etcd key. */
  public StoreCorruptException(String location, String problem, Throwable cause) {
    super(location + " is corrupt: " + problem, cause);
    this.path = null;
  }

  /** The corrupt file; null when the state is in etcd. */
  public Path path() {
    return path;
  }
}
