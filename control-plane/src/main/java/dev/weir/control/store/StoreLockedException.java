package dev.weir.control.store;

import java.io.IOException;
import java.nio.file.Path;

/** Another weir-control process (or another store in this one) already uses the data dir. */
public final class StoreLockedException extends IOException {

  public StoreLockedException(Path dataDir, Path lockFile, String holder) {
    super(
        "data dir "
            + dataDir
            + " is in use by another weir-control"
            + holder
            + " (lock file "
            + lockFile
            + " is held)");
  }
}
