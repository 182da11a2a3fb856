package dev.weir.control.store;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.files.SnapshotFileException;
import dev.weir.api.v1.ConfigSnapshot;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the configuration in one {@link SnapshotFile} in a data dir.
 *
 * <p>A commit writes a temp file, fsyncs it, renames it over the state file and fsyncs the
 * directory, so after a crash the file holds either the old snapshot or the new one, never a
 * mix. Temp files a crash leaves behind are deleted on open. The dir is locked while the store is
 * open.
 */
public final class FileConfigStore implements ConfigStore {
  public static final String STATE_FILE = "config.snapshot";
  private static final String TEMP_PREFIX = STATE_FILE + ".";
  private static final Logger log = LoggerFactory.getLogger(FileConfigStore.class);

  private final Path dir;
  private final Path stateFile;
  private final DataDirLock lock;
  private final Object writeLock = new Object();

  // Guarded by writeLock: the version in the state file, or -1 until read.
  private long storedVersion = -1;
  // Guarded by writeLock.
  private boolean closed;

  private FileConfigStore(Path dir, DataDirLock lock) {
    this.dir = dir;
    this.stateFile = dir.resolve(STATE_FILE);
    this.lock = lock;
  }

  /**
   * Opens the store in {@code dataDir}, creating the dir if missing.
   *
   * @throws StoreLockedException if another store holds the dir
   */
  public static FileConfigStore open(Path dataDir) throws IOException {
    Files.createDirectories(dataDir);
    DataDirLock lock = DataDirLock.acquire(dataDir);
    try {
      Path dir = dataDir.toRealPath();
      deleteTempFiles(dir);
      return new FileConfigStore(dir, lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  /** The file holding the committed snapshot. */
  public Path stateFile() {
    return stateFile;
  }

  @Override
  public ConfigSnapshot load() throws IOException {
    synchronized (writeLock) {
      checkOpen();
      ConfigSnapshot snapshot = read();
      storedVersion = snapshot.getVersion();
      return snapshot;
    }
  }

  @Override
  public void commit(long expectedVersion, ConfigSnapshot next)
      throws IOException, VersionConflictException {
    if (next.getVersion() <= expectedVersion) {
      throw new IllegalArgumentException("next version " + next.getVersion()
          + " is not newer than expected version " + expectedVersion);
    }
    ConfigSnapshot stored = next.toBuilder().clearNonce().build();
    synchronized (writeLock) {
      checkOpen();
      if (storedVersion < 0) {
        storedVersion = read().getVersion();
      }
      if (storedVersion != expectedVersion) {
        throw new VersionConflictException(expectedVersion, storedVersion);
      }
      try {
        SnapshotFile.write(stateFile, stored);
      } catch (IOException | RuntimeException e) {
        throw new IOException("cannot write " + stateFile + ": " + describe(e), e);
      }
      storedVersion = next.getVersion();
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    lock.close();
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

  private static void deleteTempFiles(Path dir) throws IOException {
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + SnapshotFile.TEMP_SUFFIX)) {
      for (Path temp : temps) {
        log.info("deleting {}, left by an interrupted commit", temp);
        Files.deleteIfExists(temp);
      }
    }
  }

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
