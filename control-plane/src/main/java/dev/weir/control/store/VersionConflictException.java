package dev.weir.control.store;

/** A commit expected a stored version other than the one the store holds. */
public final class VersionConflictException extends Exception {
  private final long expectedVersion;
  private final long storedVersion;

  public VersionConflictException(long expectedVersion, long storedVersion) {
    super("expected stored config version " + expectedVersion + ", found " + storedVersion);
    this.expectedVersion = expectedVersion;
    this.storedVersion = storedVersion;
  }

  public long expectedVersion() {
    return expectedVersion;
  }

  public long storedVersion() {
    return storedVersion;
  }
}
