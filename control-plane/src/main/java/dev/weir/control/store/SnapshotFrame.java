package dev.weir.control.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.weir.api.v1.ConfigSnapshot;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The on-disk frame around a stored snapshot, so a torn or foreign file is detected rather than
 * parsed into a plausible but wrong configuration.
 *
 * <pre>
 *   magic "WEIR" (4 bytes) | format version (int32) | payload length (int32)
 *   | CRC32C of payload (int32) | payload: a serialized ConfigSnapshot
 * </pre>
 *
 * All integers are big-endian.
 */
final class SnapshotFrame {
  static final int MAGIC = 0x57454952;
  static final int FORMAT_VERSION = 1;
  static final int HEADER_BYTES = 16;
  // Far above 1000 pools of 1000 backends; only here so a bad length cannot exhaust the heap.
  static final int MAX_PAYLOAD_BYTES = 256 << 20;

  private SnapshotFrame() {}

  static byte[] encode(ConfigSnapshot snapshot) {
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
  static ConfigSnapshot decode(Path path, byte[] file) throws StoreCorruptException {
    // Magic first: for a foreign file, "not a state file" says more than "truncated".
    if (file.length >= Integer.BYTES && ByteBuffer.wrap(file).getInt() != MAGIC) {
      throw new StoreCorruptException(path, String.format(
          "bad magic 0x%08x, expected 0x%08x (\"WEIR\"); not a weir-control state file",
          ByteBuffer.wrap(file).getInt(), MAGIC));
    }
    if (file.length < HEADER_BYTES) {
      throw new StoreCorruptException(path, "truncated: " + file.length
          + " bytes, shorter than the " + HEADER_BYTES + "-byte header");
    }
    ByteBuffer header = ByteBuffer.wrap(file, Integer.BYTES, HEADER_BYTES - Integer.BYTES);
    int format = header.getInt();
    if (format != FORMAT_VERSION) {
      throw new StoreCorruptException(path, "unsupported format version " + format
          + ", this weir-control reads version " + FORMAT_VERSION);
    }
    int length = header.getInt();
    int storedCrc = header.getInt();
    long actual = (long) file.length - HEADER_BYTES;
    if (length < 0 || length > MAX_PAYLOAD_BYTES) {
      throw new StoreCorruptException(path, "payload length " + length + " is out of range");
    }
    if (length != actual) {
      throw new StoreCorruptException(path, "header says " + length + " payload bytes, file has "
          + actual + (actual < length ? " (truncated)" : " (trailing bytes)"));
    }
    int crc = crc32c(file, HEADER_BYTES, length);
    if (crc != storedCrc) {
      throw new StoreCorruptException(path, String.format(
          "payload CRC32C is 0x%08x, header says 0x%08x", crc, storedCrc));
    }
    try {
      return ConfigSnapshot.parseFrom(ByteBuffer.wrap(file, HEADER_BYTES, length));
    } catch (InvalidProtocolBufferException e) {
      throw new StoreCorruptException(
          path, "payload is not a ConfigSnapshot: " + e.getMessage(), e);
    }
  }

  private static int crc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
