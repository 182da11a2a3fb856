package dev.weir.control.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A store holds a history but not the state (file or etcd key) it belongs to: the configuration was
 * deleted or lost. Starting from an empty one would give the fleet a new, empty config, so the
 * store refuses to load and says what is missing and how to recover.
 */
public final class MissingStateException extends IOException {
  private final String missing;

  public MissingStateException(Path missing, Path history, long historyBytes) {
    super(
        missing
            + " is missing, but "
            + history
            + " holds "
            + historyBytes
            + " bytes of "
            + "revisions: the configuration was deleted or lost, and starting without it would push "
            + "an empty config. Restore "
            + missing.getFileName()
            + " from a backup; or, to start "
            + "over with an empty store, move "
            + history.getFileName()
            + " away too and take over "
            + "the proxies with 'weirctl fleet adopt'");
    this.missing = missing.toString();
  }

  /** The etcd form: {@code missing} names the config key, {@code history} the revisions. */
  public MissingStateException(String missing, String history, long revisions) {
    super(
        missing
            + " is missing, but "
            + history
            + " holds "
            + revisions
            + " revisions: the "
            + "configuration was deleted or lost, and starting without it would push an empty "
            + "config. Restore it from a backup (weirctl import of an export, on a control plane "
            + "with another prefix); or, to start over, delete "
            + history
            + " too and take over the "
            + "proxies with 'weirctl fleet adopt'");
    this.missing = missing;
  }

  /** The state file or key that is missing. */
  public String missing() {
    return missing;
  }
}
