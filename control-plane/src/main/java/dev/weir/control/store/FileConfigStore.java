package dev.weir.control.store;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.weir.api.files.SnapshotFile;
import dev.weir.api.files.SnapshotFileException;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the configuration in one {@link SnapshotFile} in a data dir, and its history in a {@link
 * RevisionLog} beside it.
 *
 * <p>A commit first appends the revision to the history (fsynced), then writes a temp file, fsyncs
 * it, renames it over the state file and fsyncs the directory, so after a crash the file holds
 * either the old snapshot or the new one, never a mix. The state file is the source of truth: a
 * history record newer than it (the crash came between the two steps) is dropped when the history
 * is opened. Temp files a crash leaves behind are deleted on open. The dir is locked while the
 * store is open.
 *
 * <p>The store has a fleet id from the moment it is created (see {@link ConfigSnapshot}'s
 * fleet_id), so a store that lost its state is not mistaken for a new one: a history without a
 * state file refuses to load ({@link MissingStateException}).
 */
public final class FileConfigStore implements ConfigStore {
  public static final String STATE_FILE = "config.snapshot";
  public static final String HISTORY_FILE = "history.log";

  /** How many revisions the history keeps by default; older ones are compacted away. */
  public static final int DEFAULT_MAX_REVISIONS = 10_000;

  private static final String TEMP_PREFIX = STATE_FILE + ".";
  private static final Logger log = LoggerFactory.getLogger(FileConfigStore.class);

  private final Path dir;
  private final Path stateFile;
  private final Path historyFile;
  private final int maxRevisions;
  private final DataDirLock lock;
  private final Object writeLock = new Object();

  // The version in the state file, or -1 until read.
  @GuardedBy("writeLock")
  private long storedVersion = -1;

  // The fleet id in the state file, once read.
  @GuardedBy("writeLock")
  private String storedFleetId = "";

  // Opened with the first use that needs it, once the state file is read.
  @GuardedBy("writeLock")
  private RevisionLog history;

  @GuardedBy("writeLock")
  private boolean closed;

  private FileConfigStore(Path dir, DataDirLock lock, int maxRevisions) {
    this.dir = dir;
    this.stateFile = dir.resolve(STATE_FILE);
    this.historyFile = dir.resolve(HISTORY_FILE);
    this.maxRevisions = maxRevisions;
    this.lock = lock;
  }

  /**
   * Opens the store in {@code dataDir}, creating the dir if missing.
   *
   * @throws StoreLockedException if another store holds the dir
   */
  public static FileConfigStore open(Path dataDir) throws IOException {
    return open(dataDir, DEFAULT_MAX_REVISIONS);
  }

  /** As {@link #open(Path)}, keeping the newest {@code maxRevisions} revisions in the history. */
  public static FileConfigStore open(Path dataDir, int maxRevisions) throws IOException {
    if (maxRevisions < 1) {
      throw new IllegalArgumentException("maxRevisions must be positive, got " + maxRevisions);
    }
    Files.createDirectories(dataDir);
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Path dir = dataDir.toRealPath();
      deleteTempFiles(dir, TEMP_PREFIX);
      deleteTempFiles(dir, RevisionLog.tempPrefix(dir.resolve(HISTORY_FILE)));
      return new FileConfigStore(dir, lock, maxRevisions);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /**
   * Reads the state file, giving a new store its fleet id first, durably, so every reader sees the
   * same one: an empty dir gets a version-0 state file carrying a random id, and a state file
   * written by a Weir without fleet ids gets one at its version. A history without its state file
   * is a lost configuration, not a new store. Call holding writeLock.
   */
  private ConfigSnapshot readWithFleetId() throws IOException {
    if (!Files.exists(stateFile)) {
      long historyBytes = Files.exists(historyFile) ? Files.size(historyFile) : 0;
      if (historyBytes > 0) {
        throw new MissingStateException(stateFile, historyFile, historyBytes);
      }
      ConfigSnapshot fresh = ConfigSnapshot.newBuilder().setFleetId(newFleetId()).build();
      writeState(fresh);
      log.info("created a new store in {} for fleet {}", dir, fresh.getFleetId());
      return fresh;
    }
    ConfigSnapshot stored = read();
    if (!stored.getFleetId().isEmpty()) {
      return stored;
    }
    ConfigSnapshot named = stored.toBuilder().setFleetId(newFleetId()).build();
    writeState(named);
    log.info(
        "gave the store in {} (config version {}) the fleet id {}",
        dir,
        named.getVersion(),
        named.getFleetId());
    return named;
  }

  private void writeState(ConfigSnapshot snapshot) throws IOException {
    try {
      SnapshotFile.write(stateFile, snapshot);
    } catch (IOException | RuntimeException e) {
      throw new IOException("cannot write " + stateFile + ": " + describe(e), e);
    }
  }

  private static String newFleetId() {
    return UUID.randomUUID().toString();
  }

  /** The file holding the committed snapshot. */
  public Path stateFile() {
    return stateFile;
  }

  @Override
  public ConfigSnapshot load() throws IOException {
    synchronized (writeLock) {
      checkOpen();
      ConfigSnapshot snapshot = readWithFleetId();
      storedVersion = snapshot.getVersion();
      storedFleetId = snapshot.getFleetId();
      return snapshot;
    }
  }

  /** The file holding the history of revisions. */
  public Path historyFile() {
    return historyFile;
  }

  @Override
  public void commit(long expectedVersion, ConfigSnapshot next, Revision revision)
      throws IOException, VersionConflictException {
    if (next.getVersion() <= expectedVersion) {
      throw new IllegalArgumentException(
          "next version "
              + next.getVersion()
              + " is not newer than expected version "
              + expectedVersion);
    }
    if (revision.getVersion() != next.getVersion()) {
      throw new IllegalArgumentException(
          "revision "
              + revision.getVersion()
              + " does not describe config version "
              + next.getVersion());
    }
    synchronized (writeLock) {
      RevisionLog revisions = history();
      if (storedVersion != expectedVersion) {
        throw new VersionConflictException(expectedVersion, storedVersion);
      }
      // The fleet id belongs to the store: a snapshot that names none keeps it.
      ConfigSnapshot stored =
          next.getFleetId().isEmpty()
              ? next.toBuilder().clearNonce().setFleetId(storedFleetId).build()
              : next.toBuilder().clearNonce().build();
      try {
        revisions.append(revision, stored);
      } catch (IOException | RuntimeException e) {
        throw new IOException("cannot write " + historyFile + ": " + describe(e), e);
      }
      try {
        SnapshotFile.write(stateFile, stored);
      } catch (IOException | RuntimeException e) {
        if (!tookEffect(stored, e)) {
          dropUncommitted(revisions, next.getVersion());
          throw new IOException("cannot write " + stateFile + ": " + describe(e), e);
        }
      }
      storedVersion = next.getVersion();
      storedFleetId = stored.getFleetId();
      compact(revisions);
    }
  }

  /**
   * Whether a write of the state file that failed replaced it all the same: the rename can succeed
   * and the directory's fsync after it fail. The state file is the truth (a restart loads it), so
   * then the commit stands, and saying it failed would be wrong. A state file that cannot be read
   * back does not hold it (and would not load at a restart either).
   */
  private boolean tookEffect(ConfigSnapshot stored, Exception failure) {
    try {
      if (!SnapshotFile.read(stateFile).equals(stored)) {
        return false;
      }
    } catch (IOException | SnapshotFileException | RuntimeException e) {
      return false;
    }
    log.warn(
        "{} holds config version {}, though writing it failed: {}; it is committed, but "
            + "may not survive a power loss",
        stateFile,
        stored.getVersion(),
        describe(failure));
    return true;
  }

  @Override
  public List<Revision> revisions(long beforeVersion, int limit) throws IOException {
    synchronized (writeLock) {
      return history().list(beforeVersion, limit);
    }
  }

  @Override
  public Optional<Revision> revision(long version) throws IOException {
    synchronized (writeLock) {
      return Optional.ofNullable(history().get(version));
    }
  }

  @Override
  public void close() throws IOException {
    RevisionLog openHistory;
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
      openHistory = history;
    }
    try {
      if (openHistory != null) {
        openHistory.close();
      }
    } finally {
      lock.close();
    }
  }

  /** The history, opened once the state file's version is known. */
  @GuardedBy("writeLock")
  private RevisionLog history() throws IOException {
    checkOpen();
    if (storedVersion < 0) {
      ConfigSnapshot snapshot = readWithFleetId();
      storedVersion = snapshot.getVersion();
      storedFleetId = snapshot.getFleetId();
    }
    if (history == null) {
      try {
        history = RevisionLog.open(historyFile, storedVersion, maxRevisions);
      } catch (StoreCorruptException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new IOException("cannot open " + historyFile + ": " + describe(e), e);
      }
    }
    return history;
  }

  // The record stays harmless if this fails too: the next commit or open drops it.
  private static void dropUncommitted(RevisionLog revisions, long version) {
    try {
      revisions.truncateFrom(version);
    } catch (IOException e) {
      log.warn("could not drop the history record of failed commit {}", version, e);
    }
  }

  // The commit is durable already; a failed compaction only leaves the log longer.
  private static void compact(RevisionLog revisions) {
    try {
      revisions.compactIfDue();
    } catch (IOException e) {
      log.warn("could not compact the history; will retry after the next commit", e);
    }
  }

  private ConfigSnapshot read() throws IOException {
    try {
      return SnapshotFile.read(stateFile);
    } catch (NoSuchFileException e) {
      return ConfigSnapshot.getDefaultInstance();
    } catch (SnapshotFileException e) {
      throw new StoreCorruptException(stateFile, e.problem(), e);
    } catch (IOException e) {
      throw new IOException("cannot read " + stateFile + ": " + describe(e), e);
    }
  }

  private static void deleteTempFiles(Path dir, String prefix) throws IOException {
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(dir, prefix + "*" + SnapshotFile.TEMP_SUFFIX)) {
      for (Path temp : temps) {
        log.info("deleting {}, left by an interrupted commit", temp);
        Files.deleteIfExists(temp);
      }
    }
  }

  @GuardedBy("writeLock")
  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("store for " + dir + " is closed");
    }
  }

  // NIO exceptions often carry only the path as their message, which says nothing of the cause.
  private static String describe(Exception e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException) {
      String reason = ((FileSystemException) e).getReason();
      return reason != null ? reason : e.getClass().getSimpleName();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
