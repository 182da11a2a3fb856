package dev.weir.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileConfigStoreFleetIdTest {
  @TempDir Path dir;
  private FileConfigStore store;

  @AfterEach
  void closeStore() throws IOException {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void aNewStoreGetsAFleetIdThatARestartKeeps() throws IOException {
    store = FileConfigStore.open(dir);
    String fleetId = store.load().getFleetId();
    store.close();

    store = FileConfigStore.open(dir);

    assertThat(fleetId).isNotEmpty();
    assertThat(store.load().getFleetId()).isEqualTo(fleetId);
  }

  @Test
  void twoNewStoresAreTwoFleets() throws IOException {
    store = FileConfigStore.open(dir.resolve("a"));
    try (FileConfigStore other = FileConfigStore.open(dir.resolve("b"))) {
      assertThat(other.load().getFleetId()).isNotEqualTo(store.load().getFleetId());
    }
  }

  @Test
  void aStoreFromBeforeFleetIdsGetsOneOnceAtItsVersion() throws Exception {
    ConfigSnapshot old =
        ConfigSnapshot.newBuilder()
            .setVersion(3)
            .addPools(Pool.newBuilder().setName("web").setListen(":8080"))
            .build();
    SnapshotFile.write(dir.resolve(FileConfigStore.STATE_FILE), old);

    store = FileConfigStore.open(dir);
    ConfigSnapshot loaded = store.load();
    store.close();
    store = FileConfigStore.open(dir);

    assertThat(loaded.getFleetId()).isNotEmpty();
    assertThat(loaded.toBuilder().clearFleetId().build()).isEqualTo(old);
    assertThat(store.load().getFleetId()).isEqualTo(loaded.getFleetId());
  }

  @Test
  void aHistoryWithoutItsStateFileRefusesToLoadNamingTheMissingFile() throws Exception {
    store = FileConfigStore.open(dir);
    ConfigSnapshot v0 = store.load();
    store.commit(0, v0.toBuilder().setVersion(1).build(), revision(1));
    store.close();
    store = null;
    Path state = dir.resolve(FileConfigStore.STATE_FILE);
    Files.delete(state);

    store = FileConfigStore.open(dir);

    assertThatThrownBy(store::load)
        .isInstanceOf(MissingStateException.class)
        .hasMessageContaining(state + " is missing")
        .hasMessageContaining(FileConfigStore.HISTORY_FILE)
        .hasMessageContaining("Restore config.snapshot from a backup");
    assertThat(state).doesNotExist();
  }

  @Test
  void aCommitMayJumpVersionsAndTheHistoryServesBothSides() throws Exception {
    store = FileConfigStore.open(dir);
    ConfigSnapshot v0 = store.load();
    store.commit(0, v0.toBuilder().setVersion(1).build(), revision(1));

    store.commit(1, v0.toBuilder().setVersion(11).setFleetId("adopted").build(), revision(11));
    store.close();
    store = FileConfigStore.open(dir);

    assertThat(store.load().getVersion()).isEqualTo(11);
    assertThat(store.load().getFleetId()).isEqualTo("adopted");
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(11L, 1L);
    assertThat(store.revision(11)).isPresent();
    assertThat(store.revision(1)).isPresent();
  }

  @Test
  void aCommitThatNamesNoFleetKeepsTheStoresFleetId() throws Exception {
    store = FileConfigStore.open(dir);
    String fleetId = store.load().getFleetId();

    store.commit(0, ConfigSnapshot.newBuilder().setVersion(1).build(), revision(1));
    store.close();
    store = FileConfigStore.open(dir);

    assertThat(store.load().getFleetId()).isEqualTo(fleetId);
  }

  private static Revision revision(long version) {
    return Revision.newBuilder().setVersion(version).setActor("test").setOperation("Test").build();
  }
}
