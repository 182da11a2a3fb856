package dev.weir.control.store;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Revision;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Where one record of the history file lies, and what its parts must checksum to; and the record's
 * bytes.
 *
 * <pre>
 *   record := header | revision (without config) | config
 *   header := magic "WRV1" (int32) | version (int64) | revision length (int32)
 *             | config length (int32) | CRC32C of revision (int32) | CRC32C of config (int32)
 *             | CRC32C of the 28 header bytes before it (int32)
 * </pre>
 *
 * All integers are big-endian. The header has a checksum of its own so that a torn or zeroed header
 * is told from a record with a bad body, and no length is trusted before it is checked.
 */
record RevisionRecord(
    long version,
    long offset,
    int revisionLength,
    int configLength,
    int revisionCrc,
    int configCrc) {

  static final int MAGIC = 0x57525631;
  static final int HEADER_BYTES = 32;

  /** The bytes of the record of {@code revision} (its config left out) and {@code config}. */
  static byte[] encode(Revision revision, ConfigSnapshot config) {
    byte[] meta = revision.toBuilder().clearConfig().build().toByteArray();
    byte[] body = config.toByteArray();
    ByteBuffer buffer = ByteBuffer.allocate(HEADER_BYTES + meta.length + body.length);
    buffer
        .putInt(MAGIC)
        .putLong(revision.getVersion())
        .putInt(meta.length)
        .putInt(body.length)
        .putInt(crc(meta))
        .putInt(crc(body));
    buffer.putInt(crc(buffer.array(), 0, HEADER_BYTES - Integer.BYTES));
    return buffer.put(meta).put(body).array();
  }

  /**
   * The record whose header starts {@code bytes}, found at {@code offset} in the file; null if the
   * header is damaged.
   */
  static RevisionRecord parse(byte[] bytes, long offset) {
    ByteBuffer fields = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
    int magic = fields.getInt();
    long version = fields.getLong();
    int revisionLength = fields.getInt();
    int configLength = fields.getInt();
    int revisionCrc = fields.getInt();
    int configCrc = fields.getInt();
    int headerCrc = fields.getInt();
    boolean intact =
        magic == MAGIC
            && headerCrc == crc(bytes, 0, HEADER_BYTES - Integer.BYTES)
            && version > 0
            && revisionLength >= 0
            && revisionLength <= SnapshotFile.MAX_PAYLOAD_BYTES
            && configLength >= 0
            && configLength <= SnapshotFile.MAX_PAYLOAD_BYTES;
    return intact
        ? new RevisionRecord(version, offset, revisionLength, configLength, revisionCrc, configCrc)
        : null;
  }

  long revisionOffset() {
    return offset + HEADER_BYTES;
  }

  long configOffset() {
    return offset + HEADER_BYTES + revisionLength;
  }

  /** Just past the record: where the next one starts. */
  long end() {
    return offset + HEADER_BYTES + revisionLength + configLength;
  }

  /** The same record after the bytes before {@code from} were cut from the file. */
  RevisionRecord shiftedBack(long from) {
    return new RevisionRecord(
        version, offset - from, revisionLength, configLength, revisionCrc, configCrc);
  }

  static int crc(byte[] bytes) {
    return crc(bytes, 0, bytes.length);
  }

  private static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }
}
