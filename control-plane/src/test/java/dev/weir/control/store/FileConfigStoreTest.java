package dev.weir.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigStoreTest {
  private static final ConfigSnapshot V1 =
      ConfigSnapshot.newBuilder()
          .setVersion(1)
          .setNonce("not-stored")
          .addPools(
              Pool.newBuilder()
                  .setName("web")
                  .setListen(":8080")
                  .setAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN)
                  .addBackends(
                      Backend.newBuilder()
                          .setAddress("10.0.0.1:80")
                          .setWeight(3)
                          .setState(BackendState.DRAINING)))
          .build();

  @TempDir Path dir;
  private FileConfigStore store;

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aNewDirLoadsAsAnEmptyVersionZeroConfig() throws IOException {
    store = FileConfigStore.open(dir.resolve("fresh"));

    ConfigSnapshot loaded = store.load();
    assertThat(loaded.getVersion()).isZero();
    assertThat(loaded.getPoolsList()).isEmpty();
    assertThat(dir.resolve("fresh")).isDirectory();
  }

  @Test
  void aNewStoreReadsWhatTheOldOneCommittedWithoutTheNonce() throws Exception {
    store = FileConfigStore.open(dir);
    store.load();
    store.commit(0, V1, revision(1));
    store.close();

    store = FileConfigStore.open(dir);

    assertThat(store.load().toBuilder().clearFleetId().build())
        .isEqualTo(V1.toBuilder().clearNonce().build());
  }

  @Test
  void commitRefusesAStaleExpectedVersionAndKeepsTheStoredOne() throws Exception {
    store = FileConfigStore.open(dir);
    store.commit(0, V1, revision(1));

    assertThatThrownBy(() -> store.commit(0, V1.toBuilder().setVersion(2).build(), revision(2)))
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected stored config version 0, found 1");
    assertThat(store.load().getVersion()).isEqualTo(1);
  }

  @Test
  void commitRefusesAVersionThatIsNotNewer() throws IOException {
    store = FileConfigStore.open(dir);

    assertThatThrownBy(() -> store.commit(1, V1, revision(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFlippedPayloadByteFailsTheLoadNamingTheFileAndTheChecksum() throws Exception {
    Path file = commitV1AndClose();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 3] ^= 0x01;
    Files.write(file, bytes);

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("CRC32C");
  }

  @Test
  void aTruncatedFileFailsTheLoadNamingTheFile() throws Exception {
    Path file = commitV1AndClose();
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 5));

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated");
  }

  @Test
  void aFileShorterThanTheHeaderFailsTheLoad() throws Exception {
    Path file = commitV1AndClose();
    Files.write(file, new byte[] {'W', 'E'});

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("truncated: 2 bytes");
  }

  @Test
  void aGarbageFileFailsTheLoadNamingTheFileAndTheMagic() throws Exception {
    Path file = dir.resolve(FileConfigStore.STATE_FILE);
    Files.writeString(file, "pools:\n  - web\n", StandardCharsets.UTF_8);

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("bad magic");
  }

  @Test
  void aValidFrameAroundAnUnparsablePayloadFailsTheLoad() throws Exception {
    Path file = dir.resolve(FileConfigStore.STATE_FILE);
    // A field tag with wire type 7, which protobuf does not define.
    Files.write(file, frame(SnapshotFile.FORMAT_VERSION, new byte[] {0x0f, 1, 2, 3}));

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a ConfigSnapshot");
  }

  @Test
  void aFileFromANewerFormatFailsTheLoadSayingSo() throws Exception {
    Path file = dir.resolve(FileConfigStore.STATE_FILE);
    Files.write(file, frame(SnapshotFile.FORMAT_VERSION + 1, V1.toByteArray()));

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining("unsupported format version 2");
  }

  @Test
  void tempFilesLeftByACrashAreDeletedAndDoNotAffectTheLoad() throws Exception {
    commitV1AndClose();
    Path leftover = dir.resolve(FileConfigStore.STATE_FILE + ".12345.tmp");
    Files.write(leftover, new byte[] {1, 2, 3});

    store = FileConfigStore.open(dir);

    assertThat(leftover).doesNotExist();
    assertThat(store.load().getVersion()).isEqualTo(1);
  }

  @Test
  void aSecondStoreOnTheSameDirIsRefusedUntilTheFirstCloses() throws Exception {
    store = FileConfigStore.open(dir);

    assertThatThrownBy(() -> FileConfigStore.open(dir))
        .isInstanceOf(StoreLockedException.class)
        .hasMessageContaining("in use by another weir-control")
        .hasMessageContaining(DataDirLock.LOCK_FILE);

    store.close();
    store = FileConfigStore.open(dir);
    assertThat(store.load().getVersion()).isZero();
  }

  @Test
  void closeIsIdempotent() throws IOException {
    store = FileConfigStore.open(dir);
    store.close();
    store.close();
  }

  private static Revision revision(long version) {
    return Revision.newBuilder().setVersion(version).setOperation("CreatePool").build();
  }

  private static byte[] frame(int formatVersion, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    return ByteBuffer.allocate(SnapshotFile.HEADER_BYTES + payload.length)
        .putInt(SnapshotFile.MAGIC)
        .putInt(formatVersion)
        .putInt(payload.length)
        .putInt((int) crc.getValue())
        .put(payload)
        .array();
  }

  private Path commitV1AndClose() throws Exception {
    try (FileConfigStore first = FileConfigStore.open(dir)) {
      first.commit(0, V1, revision(1));
      return first.stateFile();
    }
  }
}
