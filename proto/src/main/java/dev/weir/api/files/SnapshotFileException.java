package dev.weir.api.files;

import java.nio.file.Path;

/** A snapshot file that exists but cannot be trusted; the message names the file and why. */
public final class SnapshotFileException extends Exception {

  private final Path path;

  public SnapshotFileException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  public SnapshotFileException(Path path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
    this.path = path;
  }

  public Path path() {
    return path;
  }
}
