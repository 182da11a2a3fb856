package dev.weir.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigStoreHistoryTest {
  @TempDir Path dir;
  private FileConfigStore store;

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void eachCommitIsRecordedWithTheConfigItMade() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 2);

    assertThat(store.revision(2)).contains(revision(2).toBuilder().setConfig(config(2)).build());
    assertThat(store.revision(1).orElseThrow().getConfig()).isEqualTo(config(1));
    assertThat(store.revision(3)).isEmpty();
  }

  @Test
  void revisionsAreListedNewestFirstWithoutConfigsAndPageByVersion() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 5);

    assertThat(store.revisions(0, 10))
        .extracting(Revision::getVersion)
        .containsExactly(5L, 4L, 3L, 2L, 1L);
    assertThat(store.revisions(0, 10)).allSatisfy(r -> assertThat(r.hasConfig()).isFalse());
    assertThat(store.revisions(0, 2)).extracting(Revision::getVersion).containsExactly(5L, 4L);
    assertThat(store.revisions(4, 2)).extracting(Revision::getVersion).containsExactly(3L, 2L);
    assertThat(store.revisions(0, 1).get(0)).isEqualTo(revision(5));
  }

  @Test
  void historySurvivesARestart() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 3);
    store.close();

    store = FileConfigStore.open(dir);

    assertThat(store.revisions(0, 10)).containsExactly(revision(3), revision(2), revision(1));
    assertThat(store.revision(2).orElseThrow().getConfig()).isEqualTo(config(2));
    commit(4, 4);
    assertThat(store.revisions(0, 1)).containsExactly(revision(4));
  }

  @Test
  void aRecordTornByACrashIsCutOffAndOnlyItIsLost() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 3);
    store.close();
    Path history = dir.resolve(FileConfigStore.HISTORY_FILE);
    byte[] bytes = Files.readAllBytes(history);
    Files.write(history, Arrays.copyOf(bytes, bytes.length - 7));

    store = FileConfigStore.open(dir);

    assertThat(store.load().getVersion()).isEqualTo(3);
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(2L, 1L);
    assertThat(store.revision(3)).isEmpty();
    commit(4, 4);
    store.close();
    store = FileConfigStore.open(dir);
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(4L, 2L, 1L);
  }

  @Test
  void aTornHeaderAndZerosLeftByACrashAreCutOff() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 2);
    store.close();
    Path history = dir.resolve(FileConfigStore.HISTORY_FILE);
    long size = Files.size(history);
    try (FileChannel channel = FileChannel.open(history, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.allocate(45), size);
    }

    store = FileConfigStore.open(dir);

    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(2L, 1L);
    assertThat(Files.size(history)).isEqualTo(size);
  }

  @Test
  void aRecordWhoseCommitNeverReachedTheStateFileIsDropped() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 1);
    Path state = dir.resolve(FileConfigStore.STATE_FILE);
    byte[] stateAtOne = Files.readAllBytes(state);
    commit(2, 2);
    store.close();
    // As if the crash came after the history append but before the state file was replaced.
    Files.write(state, stateAtOne);

    store = FileConfigStore.open(dir);

    assertThat(store.load().getVersion()).isEqualTo(1);
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(1L);
    store.commit(1, config(2), revision(2).toBuilder().setActor("again").build());
    assertThat(store.revisions(0, 10))
        .extracting(Revision::getActor)
        .containsExactly("again", "alice (127.0.0.1:5000)");
  }

  @Test
  void aCommitWhoseStateFileCannotBeWrittenLeavesNoHistoryRecord() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 1);
    Path state = dir.resolve(FileConfigStore.STATE_FILE);
    Files.delete(state);
    Files.createDirectories(state.resolve("in-the-way"));

    assertThatThrownBy(() -> store.commit(1, config(2), revision(2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(state.toString());

    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(1L);
    Files.delete(state.resolve("in-the-way"));
    Files.delete(state);
    store.commit(1, config(2), revision(2));
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(2L, 1L);
  }

  @Test
  void theOldestRevisionsAreCompactedAwayBeyondTheLimit() throws Exception {
    store = FileConfigStore.open(dir, 5);
    commit(1, 20);

    assertThat(store.revisions(0, 100))
        .extracting(Revision::getVersion)
        .containsExactly(20L, 19L, 18L, 17L, 16L);
    assertThat(store.revision(15)).isEmpty();
    assertThat(store.revision(16).orElseThrow().getConfig()).isEqualTo(config(16));
    long compacted = Files.size(dir.resolve(FileConfigStore.HISTORY_FILE));
    store.close();

    store = FileConfigStore.open(dir, 5);
    assertThat(store.revisions(0, 100))
        .extracting(Revision::getVersion)
        .containsExactly(20L, 19L, 18L, 17L, 16L);
    assertThat(compacted).isLessThan(recordSize() * 7);
    assertThat(dir).isDirectoryNotContaining("glob:**.tmp");
  }

  @Test
  void aDamagedRecordInTheMiddleIsReportedWhenReadNotServedAsData() throws Exception {
    store = FileConfigStore.open(dir);
    commit(1, 3);
    store.close();
    Path history = dir.resolve(FileConfigStore.HISTORY_FILE);
    byte[] bytes = Files.readAllBytes(history);
    // The last byte of the second record's config.
    bytes[(int) (2 * recordSize()) - 1] ^= 0x40;
    Files.write(history, bytes);

    store = FileConfigStore.open(dir);

    assertThat(store.revision(1)).isPresent();
    assertThatThrownBy(() -> store.revision(2))
        .isInstanceOf(StoreCorruptException.class)
        .hasMessageContaining(history.toString())
        .hasMessageContaining("revision 2")
        .hasMessageContaining("CRC32C");
  }

  private void commit(int from, int to) throws Exception {
    for (int version = from; version <= to; version++) {
      store.commit(version - 1, config(version), revision(version));
    }
  }

  // The size of each record for versions 1..9; later ones are a byte or two longer.
  private static long recordSize() {
    return RevisionRecord.HEADER_BYTES
        + revision(1).getSerializedSize()
        + config(1).getSerializedSize();
  }

  // Named, as every snapshot the control plane commits is: one that names none gets the store's.
  private static ConfigSnapshot config(int version) {
    return ConfigSnapshot.newBuilder()
        .setVersion(version)
        .setFleetId("test-fleet")
        .addPools(
            Pool.newBuilder()
                .setName("web")
                .setListen(":8080")
                .addBackends(
                    Backend.newBuilder()
                        .setAddress("10.0.0.1:80")
                        .setWeight(version)
                        .setState(BackendState.ACTIVE)))
        .build();
  }

  private static Revision revision(int version) {
    return Revision.newBuilder()
        .setVersion(version)
        .setTime(Timestamps.fromSeconds(1_900_000_000L + version))
        .setActor("alice (127.0.0.1:5000)")
        .setOperation("SetBackendWeight")
        .setDiff("~ pool web backend 10.0.0.1:80 weight " + (version - 1) + " -> " + version)
        .build();
  }
}
