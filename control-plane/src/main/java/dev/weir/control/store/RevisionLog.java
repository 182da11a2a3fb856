package dev.weir.control.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.files.SnapshotFile;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history file: every revision, appended in version order as a {@link RevisionRecord}, each
 * with the whole configuration it produced.
 *
 * <p>Each append is fsynced before the state file is replaced, so a crash can leave at most one
 * torn record at the end, or one whole record newer than the state file (its commit never
 * finished). Opening truncates either, with a log line; nothing before them is touched. Listing
 * reads only the small revision part of each record; the config is read when one revision is asked
 * for.
 *
 * <p>The oldest records are compacted away once there are {@code maxRevisions} plus a tenth: the
 * newest {@code maxRevisions} are copied to a new file that replaces the old one atomically.
 * Revisions beyond the newest {@code maxRevisions} are never served, so callers see a fixed window
 * whatever the compaction schedule.
 *
 * <p>Not thread-safe: {@link FileConfigStore} calls it under its own lock.
 */
final class RevisionLog implements AutoCloseable {
  private static final int HEADER_BYTES = RevisionRecord.HEADER_BYTES;
  private static final String TEMP_SUFFIX = SnapshotFile.TEMP_SUFFIX;
  private static final Logger log = LoggerFactory.getLogger(RevisionLog.class);

  private final Path file;
  private final int maxRevisions;
  private final List<RevisionRecord> entries = new ArrayList<>();
  private FileChannel channel;

  private RevisionLog(Path file, int maxRevisions, FileChannel channel) {
    this.file = file;
    this.maxRevisions = maxRevisions;
    this.channel = channel;
  }

  /**
   * Opens (or creates) the log, keeping only whole records up to {@code committedVersion}, the
   * version of the state file, which is the source of truth.
   */
  static RevisionLog open(Path file, long committedVersion, int maxRevisions) throws IOException {
    if (maxRevisions < 1) {
      throw new IllegalArgumentException("maxRevisions must be positive, got " + maxRevisions);
    }
    FileChannel channel = openOwnerOnly(file);
    try {
      RevisionLog opened = new RevisionLog(file, maxRevisions, channel);
      opened.recover(committedVersion);
      return opened;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  // Readable by its owner only, like the state file: it holds every config the state file held.
  private static FileChannel openOwnerOnly(Path file) throws IOException {
    Set<StandardOpenOption> options =
        EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return FileChannel.open(
          file,
          options,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      return FileChannel.open(file, options);
    }
  }

  /** Temp files of a compaction a crash interrupted start with this. */
  static String tempPrefix(Path file) {
    return file.getFileName() + ".";
  }

  /**
   * Appends {@code revision} (its config left out) and {@code config}, durably. A record left at or
   * above this version by a commit that failed after its append is dropped first.
   */
  void append(Revision revision, ConfigSnapshot config) throws IOException {
    truncateFrom(revision.getVersion());
    byte[] bytes = RevisionRecord.encode(revision, config);
    long offset = channel.size();
    RevisionRecord entry = RevisionRecord.parse(bytes, offset);
    ByteBuffer record = ByteBuffer.wrap(bytes);
    try {
      while (record.hasRemaining()) {
        channel.write(record, offset + record.position());
      }
      channel.force(true);
    } catch (IOException e) {
      truncateQuietly(offset);
      throw e;
    }
    entries.add(entry);
  }

  /** Drops every record at or above {@code version}: they belong to commits that did not finish. */
  void truncateFrom(long version) throws IOException {
    int keep = entries.size();
    while (keep > 0 && entries.get(keep - 1).version() >= version) {
      keep--;
    }
    if (keep == entries.size()) {
      return;
    }
    long offset = entries.get(keep).offset();
    log.warn(
        "{}: dropping revisions {}..{}, whose commit did not finish",
        file,
        entries.get(keep).version(),
        entries.get(entries.size() - 1).version());
    channel.truncate(offset);
    channel.force(true);
    entries.subList(keep, entries.size()).clear();
  }

  /** Up to {@code limit} revisions older than {@code beforeVersion} (0: any), newest first. */
  List<Revision> list(long beforeVersion, int limit) throws IOException {
    List<Revision> revisions = new ArrayList<>();
    int oldest = oldestServed();
    for (int i = entries.size() - 1; i >= oldest && revisions.size() < limit; i--) {
      RevisionRecord entry = entries.get(i);
      if (beforeVersion == 0 || entry.version() < beforeVersion) {
        revisions.add(readRevision(entry));
      }
    }
    return revisions;
  }

  /** The revision with its config, or null if it is not (or no longer) in the log. */
  Revision get(long version) throws IOException {
    int index = indexOf(version);
    if (index < oldestServed()) {
      return null;
    }
    RevisionRecord entry = entries.get(index);
    Revision revision = readRevision(entry);
    byte[] body = read(entry.configOffset(), entry.configLength());
    check(entry, "config", body, entry.configCrc());
    try {
      return revision.toBuilder().setConfig(ConfigSnapshot.parseFrom(body)).build();
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(file, "revision " + version + ": config does not parse", e);
    }
  }

  /** The oldest version served, or 0 if the log is empty. */
  long oldestVersion() {
    return entries.isEmpty() ? 0 : entries.get(oldestServed()).version();
  }

  /** Copies the newest records to a new file once the log holds a tenth more than it should. */
  void compactIfDue() throws IOException {
    int slack = Math.max(1, maxRevisions / 10);
    if (entries.size() <= maxRevisions + slack) {
      return;
    }
    int drop = entries.size() - maxRevisions;
    long from = entries.get(drop).offset();
    long size = channel.size();
    Path temp = Files.createTempFile(file.getParent(), tempPrefix(file), TEMP_SUFFIX);
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        long copied = 0;
        while (copied < size - from) {
          copied += channel.transferTo(from + copied, size - from - copied, out);
        }
        out.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    fsyncDirectory(file.getParent());
    FileChannel old = channel;
    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    old.close();
    List<RevisionRecord> kept = new ArrayList<>(entries.subList(drop, entries.size()));
    entries.clear();
    for (RevisionRecord e : kept) {
      entries.add(e.shiftedBack(from));
    }
    log.info(
        "{}: compacted, dropping the oldest {} revisions; revisions {}..{} remain",
        file,
        drop,
        entries.get(0).version(),
        entries.get(entries.size() - 1).version());
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private int oldestServed() {
    return Math.max(0, entries.size() - maxRevisions);
  }

  private int indexOf(long version) {
    int low = 0;
    int high = entries.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      long found = entries.get(mid).version();
      if (found < version) {
        low = mid + 1;
      } else if (found > version) {
        high = mid - 1;
      } else {
        return mid;
      }
    }
    return -1;
  }

  /**
   * Indexes the records by their headers, checks the last one whole, and cuts off what a crash left
   * behind: a torn record, or records newer than the committed config.
   */
  private void recover(long committedVersion) throws IOException {
    long size = channel.size();
    long offset = 0;
    String damage = null;
    while (offset < size) {
      if (size - offset < HEADER_BYTES) {
        damage = "a partial header";
        break;
      }
      RevisionRecord entry = RevisionRecord.parse(read(offset, HEADER_BYTES), offset);
      if (entry == null) {
        damage = "a damaged header";
        break;
      }
      if (entry.end() > size) {
        damage = "a record cut short";
        break;
      }
      if (!entries.isEmpty() && entry.version() <= entries.get(entries.size() - 1).version()) {
        damage = "a record out of version order";
        break;
      }
      entries.add(entry);
      offset = entry.end();
    }
    if (damage == null && !entries.isEmpty() && !wholeOnDisk(entries.get(entries.size() - 1))) {
      RevisionRecord last = entries.remove(entries.size() - 1);
      offset = last.offset();
      damage = "a record whose checksum does not match";
    }
    if (damage != null) {
      log.warn(
          "{}: dropping {} bytes at offset {} ({}), left by a commit a crash interrupted; "
              + "the {} revisions before it are kept",
          file,
          size - offset,
          offset,
          damage,
          entries.size());
      channel.truncate(offset);
      channel.force(true);
    }
    truncateFrom(committedVersion + 1);
  }

  private boolean wholeOnDisk(RevisionRecord entry) throws IOException {
    byte[] meta = read(entry.revisionOffset(), entry.revisionLength());
    byte[] body = read(entry.configOffset(), entry.configLength());
    return RevisionRecord.crc(meta) == entry.revisionCrc()
        && RevisionRecord.crc(body) == entry.configCrc();
  }

  private Revision readRevision(RevisionRecord entry) throws IOException {
    byte[] meta = read(entry.revisionOffset(), entry.revisionLength());
    check(entry, "record", meta, entry.revisionCrc());
    try {
      return Revision.parseFrom(meta);
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(file, "revision " + entry.version() + " does not parse", e);
    }
  }

  private void check(RevisionRecord entry, String part, byte[] bytes, int expected)
      throws StoreCorruptException {
    int actual = RevisionRecord.crc(bytes);
    if (actual != expected) {
      throw new StoreCorruptException(
          file,
          String.format(
              "revision %d at offset %d: %s CRC32C is 0x%08x, header says 0x%08x",
              entry.version(), entry.offset(), part, actual, expected));
    }
  }

  private byte[] read(long offset, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer, offset + buffer.position()) < 0) {
        throw new StoreCorruptException(
            file, "ends at offset " + (offset + buffer.position()) + ", inside a record");
      }
    }
    return buffer.array();
  }

  private void truncateQuietly(long offset) {
    try {
      channel.truncate(offset);
    } catch (IOException e) {
      // The next open cuts the torn record off anyway.
      log.warn("{}: could not remove a partly written record at offset {}", file, offset, e);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
      directory.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }
}
