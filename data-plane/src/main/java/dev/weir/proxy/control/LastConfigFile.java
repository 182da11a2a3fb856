package dev.weir.proxy.control;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.files.SnapshotFileException;
import dev.weir.api.v1.ConfigSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last config this proxy applied, kept on disk so a proxy restarted while the control plane is
 * away starts serving at once instead of waiting for it.
 *
 * <p>It is a cache, not a source of truth: a damaged file is logged and ignored, and a failed write
 * is logged and costs only that cache.
 */
public final class LastConfigFile {

  private static final Logger log = LoggerFactory.getLogger(LastConfigFile.class);

  private final Path file;

  public LastConfigFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** The saved snapshot, or empty when there is none or it can't be trusted. */
  public Optional<ConfigSnapshot> load() {
    try {
      return Optional.of(SnapshotFile.read(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (SnapshotFileException e) {
      log.error("ignoring saved config: {}; waiting for the control plane instead", e.getMessage());
    } catch (IOException e) {
      log.error(
          "ignoring saved config: cannot read {}: {}; waiting for the control plane" + " instead",
          file,
          e.toString());
    }
    return Optional.empty();
  }

  /** Replaces the saved snapshot; durable when it returns normally. */
  public void save(ConfigSnapshot snapshot) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      SnapshotFile.write(file, snapshot.toBuilder().clearNonce().build());
    } catch (IOException | RuntimeException e) {
      log.warn(
          "could not save config version {} to {}: {}; a restart without the control plane"
              + " would serve an older config",
          snapshot.getVersion(),
          file,
          e.toString());
    }
  }
}
