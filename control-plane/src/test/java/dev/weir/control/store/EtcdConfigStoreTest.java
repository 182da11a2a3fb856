package dev.weir.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import dev.weir.control.testing.EtcdServer;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EtcdConfigStoreTest {
  private static EtcdServer etcd;
  private static Client client;
  private static int prefixes;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
    client = Client.builder().endpoints(etcd.endpoint()).build();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (client != null) {
      client.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void anEmptyPrefixLoadsAsVersionZero() throws IOException {
    ConfigSnapshot loaded = store(10).load();

    assertThat(loaded.getVersion()).isZero();
    assertThat(loaded.getPoolsList()).isEmpty();
  }

  @Test
  void aNewPrefixGetsOneFleetIdThatEveryReplicaReads() throws IOException {
    String prefix = newPrefix();

    String first = store(prefix, 10).load().getFleetId();

    assertThat(first).isNotEmpty();
    assertThat(store(prefix, 10).load().getFleetId()).isEqualTo(first);
    assertThat(store(newPrefix(), 10).load().getFleetId()).isNotEqualTo(first);
  }

  @Test
  void aPrefixWithRevisionsButNoConfigRefusesToLoadNamingTheKey() throws Exception {
    String prefix = newPrefix();
    EtcdConfigStore store = store(prefix, 10);
    store.commit(0, snapshot(1, "web"), revision(1, "CreatePool"));
    client
        .getKVClient()
        .delete(
            io.etcd.jetcd.ByteSequence.from(
                prefix + "config", java.nio.charset.StandardCharsets.UTF_8))
        .get();

    assertThatThrownBy(store::load)
        .isInstanceOf(MissingStateException.class)
        .hasMessageContaining(prefix + "config is missing")
        .hasMessageContaining(prefix + "revisions/ holds 1 revisions");
  }

  @Test
  void aCommitStoresTheSnapshotWithoutNonceAndItsRevision() throws Exception {
    EtcdConfigStore store = store(10);
    ConfigSnapshot v1 = snapshot(1, "web").toBuilder().setNonce("n-1").build();

    store.commit(0, v1, revision(1, "CreatePool"));

    ConfigSnapshot stored = v1.toBuilder().clearNonce().build();
    assertThat(store.load()).isEqualTo(stored);
    assertThat(store.revision(1))
        .contains(revision(1, "CreatePool").toBuilder().setConfig(stored).build());
    assertThat(store.revisions(0, 10)).containsExactly(revision(1, "CreatePool"));
  }

  @Test
  void aCommitFromAStaleVersionIsRefusedAndWritesNothing() throws Exception {
    String prefix = newPrefix();
    EtcdConfigStore first = store(prefix, 10);
    EtcdConfigStore second = store(prefix, 10);
    first.commit(0, snapshot(1, "web"), revision(1, "CreatePool"));
    first.commit(1, snapshot(2, "web", "api"), revision(2, "CreatePool"));

    assertThatThrownBy(() -> second.commit(1, snapshot(2, "db"), revision(2, "Rival")))
        .isInstanceOfSatisfying(
            VersionConflictException.class,
            e -> {
              assertThat(e.expectedVersion()).isEqualTo(1);
              assertThat(e.storedVersion()).isEqualTo(2);
            });
    assertThatThrownBy(() -> second.commit(0, snapshot(1, "db"), revision(1, "Rival")))
        .isInstanceOfSatisfying(
            VersionConflictException.class, e -> assertThat(e.storedVersion()).isEqualTo(2));

    assertThat(second.load()).isEqualTo(snapshot(2, "web", "api"));
    assertThat(second.revisions(0, 10))
        .extracting(Revision::getOperation)
        .containsExactly("CreatePool", "CreatePool");
    assertThat(second.revision(2).orElseThrow().getConfig()).isEqualTo(snapshot(2, "web", "api"));
  }

  @Test
  void revisionsAreListedNewestFirstInPages() throws Exception {
    EtcdConfigStore store = store(100);
    for (int v = 1; v <= 5; v++) {
      store.commit(v - 1, snapshot(v, "p" + v), revision(v, "Op" + v));
    }

    assertThat(store.revisions(0, 2)).extracting(Revision::getVersion).containsExactly(5L, 4L);
    assertThat(store.revisions(4, 2)).extracting(Revision::getVersion).containsExactly(3L, 2L);
    assertThat(store.revisions(2, 5)).extracting(Revision::getVersion).containsExactly(1L);
    assertThat(store.revisions(1, 5)).isEmpty();
    assertThat(store.revision(6)).isEmpty();
  }

  @Test
  void onlyTheNewestRevisionsAreServedAndCompactionDeletesTheRest() throws Exception {
    EtcdConfigStore store = store(3);
    for (int v = 1; v <= 6; v++) {
      store.commit(v - 1, snapshot(v, "p" + v), revision(v, "Op" + v));
    }

    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(6L, 5L, 4L);
    assertThat(store.revision(3)).isEmpty();

    assertThat(store.compactHistory()).isEqualTo(3);
    assertThat(store.compactHistory()).isZero();
    assertThat(store.revisions(0, 10)).extracting(Revision::getVersion).containsExactly(6L, 5L, 4L);
    assertThat(store.revision(4)).map(Revision::getConfig).contains(snapshot(4, "p4"));
  }

  @Test
  void anUnreachableEtcdFailsCallsWithinTheTimeoutNamingIt() throws Exception {
    try (Client nowhere = Client.builder().endpoints("http://127.0.0.1:1").build()) {
      EtcdConfigStore store =
          new EtcdConfigStore(nowhere, "http://127.0.0.1:1", "/weir/", 10, Duration.ofSeconds(1));

      assertThatThrownBy(store::load)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("etcd at http://127.0.0.1:1");
      assertThatThrownBy(() -> store.commit(0, snapshot(1, "web"), revision(1, "CreatePool")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot commit config version 1: etcd at http://127.0.0.1:1");
    }
  }

  private static EtcdConfigStore store(int maxRevisions) {
    return store(newPrefix(), maxRevisions);
  }

  private static EtcdConfigStore store(String prefix, int maxRevisions) {
    return new EtcdConfigStore(
        client, etcd.endpoint().toString(), prefix, maxRevisions, Duration.ofSeconds(5));
  }

  // Each test its own prefix, so they share one etcd without seeing each other's keys.
  private static String newPrefix() {
    return "/test-" + (++prefixes) + "/";
  }

  private static ConfigSnapshot snapshot(long version, String... pools) {
    ConfigSnapshot.Builder snapshot =
        ConfigSnapshot.newBuilder().setVersion(version).setFleetId("test-fleet");
    for (String pool : pools) {
      snapshot.addPools(Pool.newBuilder().setName(pool).setListen(":8080"));
    }
    return snapshot.build();
  }

  private static Revision revision(long version, String operation) {
    return Revision.newBuilder()
        .setVersion(version)
        .setTime(Timestamps.fromSeconds(1_900_000_000L + version))
        .setActor("test")
        .setOperation(operation)
        .setDiff("+ something")
        .build();
  }
}
