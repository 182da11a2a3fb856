package dev.weir.api.files;

import java.nio.file.Path;

/** A snapshot file that exists but cannot be trusted; the message names the file and why. */
public final class SnapshotFileException extends Exception {

  private final Path path;
  private final String problem;

  public SnapshotFileException(Path path, String problem) {
    super(path + ": " + problem);
    this.path = path;
    this.problem = problem;
  }

  public SnapshotFileException(Path path, String problem, Throwable cause) {
    super(path + ": " + problem, cause);
    this.path = path;
    this.problem = problem;
  }

  public Path path() {
    return path;
  }

  /** What is wrong with the file, without its name. */
  public String problem() {
    return problem;
  }
}
