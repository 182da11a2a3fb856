package dev.weir.api.files;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.v1.ConfigSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads and atomically replaces a file holding one {@link ConfigSnapshot}.
 *
 * <pre>
 *   magic "WEIR" (4 bytes) | format version (int32) | payload length (int32)
 *   | CRC32C of payload (int32) | payload: a serialized ConfigSnapshot
 * </pre>
 *
 * All integers are big-endian. A write goes to a temporary file that is fsynced, renamed over the
 * old one, and followed by an fsync of the directory, so after a crash the file holds either the
 * old snapshot or the new one, never a mix.
 */
public final class SnapshotFile {

  public static final int MAGIC = 0x57454952;
  public static final int FORMAT_VERSION = 1;
  public static final int HEADER_BYTES = 16;

  /** Suffix of the temporary files a write uses; leftovers from a crash may be deleted. */
  public static final String TEMP_SUFFIX = ".tmp";

  // Far above 1000 pools of 1000 backends; only here so a bad length cannot exhaust the heap.
  public static final int MAX_PAYLOAD_BYTES = 256 << 20;

  private SnapshotFile() {}

  /** Replaces {@code file} with {@code snapshot}, durably, in one step. */
  public static void write(Path file, ConfigSnapshot snapshot) throws IOException {
    byte[] bytes = encode(snapshot);
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, file.getFileName().toString() + ".", TEMP_SUFFIX);
    try {
      try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          out.write(buffer);
        }
        out.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot atomically replace " + file + " on this file system", e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    fsyncDirectory(dir);
  }

  /**
   * Reads {@code file}; its contents must be a whole, intact snapshot.
   *
   * @throws java.nio.file.NoSuchFileException if there is no such file
   */
  public static ConfigSnapshot read(Path file) throws IOException, SnapshotFileException {
    long size = Files.size(file);
    if (size > HEADER_BYTES + (long) MAX_PAYLOAD_BYTES) {
      throw new SnapshotFileException(
          file, "file is " + size + " bytes, more than any snapshot" + " Weir writes");
    }
    return decode(file, Files.readAllBytes(file));
  }

  public static byte[] encode(ConfigSnapshot snapshot) {
    byte[] payload = snapshot.toByteArray();
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException(
          "snapshot is " + payload.length + " bytes, more than " + MAX_PAYLOAD_BYTES);
    }
    return ByteBuffer.allocate(HEADER_BYTES + payload.length)
        .putInt(MAGIC)
        .putInt(FORMAT_VERSION)
        .putInt(payload.length)
        .putInt(crc32c(payload, 0, payload.length))
        .put(payload)
        .array();
  }

  /** Parses a whole file's bytes; {@code path} only names the file in errors. */
  public static ConfigSnapshot decode(Path path, byte[] file) throws SnapshotFileException {
    // Magic first: for a foreign file, "not a snapshot file" says more than "truncated".
    if (file.length >= Integer.BYTES && ByteBuffer.wrap(file).getInt() != MAGIC) {
      throw new SnapshotFileException(
          path,
          String.format(
              "bad magic 0x%08x, expected 0x%08x (\"WEIR\"); not a Weir snapshot file",
              ByteBuffer.wrap(file).getInt(), MAGIC));
    }
    if (file.length < HEADER_BYTES) {
      throw new SnapshotFileException(
          path,
          "truncated: "
              + file.length
              + " bytes, shorter than the "
              + HEADER_BYTES
              + "-byte header");
    }
    ByteBuffer header = ByteBuffer.wrap(file, Integer.BYTES, HEADER_BYTES - Integer.BYTES);
    int format = header.getInt();
    if (format != FORMAT_VERSION) {
      throw new SnapshotFileException(
          path,
          "unsupported format version "
              + format
              + ", this version of Weir reads version "
              + FORMAT_VERSION);
    }
    int length = header.getInt();
    int storedCrc = header.getInt();
    long actual = (long) file.length - HEADER_BYTES;
    if (length < 0 || length > MAX_PAYLOAD_BYTES) {
      throw new SnapshotFileException(path, "payload length " + length + " is out of range");
    }
    if (length != actual) {
      throw new SnapshotFileException(
          path,
          "header says "
              + length
              + " payload bytes, file has "
              + actual
              + (actual < length ? " (truncated)" : " (trailing bytes)"));
    }
    int crc = crc32c(file, HEADER_BYTES, length);
    if (crc != storedCrc) {
      throw new SnapshotFileException(
          path, String.format("payload CRC32C is 0x%08x, header says 0x%08x", crc, storedCrc));
    }
    try {
      return ConfigSnapshot.parseFrom(ByteBuffer.wrap(file, HEADER_BYTES, length));
    } catch (InvalidProtocolBufferException e) {
      throw new SnapshotFileException(
          path, "payload is not a ConfigSnapshot: " + e.getMessage(), e);
    }
  }

  /** Makes a rename in {@code dir} durable; a no-op where directories can't be opened. */
  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (System.getProperty("os.name", "").startsWith("Windows")) {
        return;
      }
      throw e;
    }
  }

  private static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
