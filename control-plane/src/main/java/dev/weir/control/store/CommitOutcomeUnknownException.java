package dev.weir.control.store;

import java.io.IOException;

/**
 * A commit whose answer was lost and could not be resolved afterwards: the store may or may not
 * hold the new version. Unlike other IOExceptions of {@link ConfigStore#commit}, it does not mean
 * that nothing was written, so it must not be reported as a failure.
 */
public final class CommitOutcomeUnknownException extends IOException {
  private final long version;

  public CommitOutcomeUnknownException(long version, String message, Throwable cause) {
    super(message, cause);
    this.version = version;
  }

  /** The version the commit would have made. */
  public long version() {
    return version;
  }
}
