package dev.weir.control.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data dir holds a history but not the state file it belongs to: the configuration was deleted
 * or lost. Starting from an empty one would give the fleet a new, empty config, so the store
 * refuses to open and says what is missing and how to recover.
 */
public final class MissingStateException extends IOException {
  private final Path missing;

  public MissingStateException(Path missing, Path history, long historyBytes) {
    super(missing + " is missing, but " + history + " holds " + historyBytes + " bytes of "
        + "revisions: the configuration was deleted or lost, and starting without it would push "
        + "an empty config. Restore " + missing.getFileName() + " from a backup; or, to start "
        + "over with an empty store, move " + history.getFileName() + " away too and take over "
        + "the proxies with 'weirctl fleet adopt'");
    this.missing = missing;
  }

  /** The state file that is missing. */
  public Path missing() {
    return missing;
  }
}
