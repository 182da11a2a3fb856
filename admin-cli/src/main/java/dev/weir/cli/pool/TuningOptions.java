package dev.weir.cli.pool;

import dev.weir.api.v1.Tuning;
import dev.weir.cli.args.ByteSizeConverter;
import dev.weir.cli.args.CountConverter;
import picocli.CommandLine.Option;

/** Buffer sizes (PoolSettings.tuning) and the Maglev table size, for pools that need them. */
final class TuningOptions {

  private final SettingsEdit edit = new SettingsEdit();

  @Option(
      names = "--socket-buffer",
      order = 40,
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "SO_RCVBUF and SO_SNDBUF on both sides (default: the proxy's).")
  private void socketBuffer(int bytes) {
    tuning("socket_buffer_bytes").setSocketBufferBytes(bytes);
  }

  @Option(
      names = "--write-buffer-low",
      order = 41,
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "A side reads again once the other's queue is below this (default 32k).")
  private void writeBufferLow(int bytes) {
    tuning("write_buffer_low_bytes").setWriteBufferLowBytes(bytes);
  }

  @Option(
      names = "--write-buffer-high",
      order = 42,
      paramLabel = "BYTES",
      converter = ByteSizeConverter.class,
      description = "A side stops reading while the other has more queued (default 64k).")
  private void writeBufferHigh(int bytes) {
    tuning("write_buffer_high_bytes").setWriteBufferHighBytes(bytes);
  }

  @Option(
      names = "--maglev-table-size",
      order = 43,
      paramLabel = "N",
      converter = CountConverter.class,
      description = "maglev only: the lookup table's size, a prime (default 65537).")
  private void maglevTableSize(int size) {
    edit.set("maglev_table_size").setMaglevTableSize(size);
  }

  private Tuning.Builder tuning(String field) {
    return edit.set("tuning." + field).getTuningBuilder();
  }

  SettingsEdit edit() {
    return edit;
  }
}
