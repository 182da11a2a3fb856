package dev.weir.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.Timestamps;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import dev.weir.control.testing.EtcdServer;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A commit whose answer is lost: the store finds out what happened before it answers, and never
 * calls a commit failed that was, or may still be, applied.
 */
class EtcdLostCommitTest {
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static EtcdServer etcd;
  private static Client client;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
    client = Client.builder().endpoints(etcd.endpoint()).build();
    // Connected and warmed up, so the bounded calls under test are not spent on that.
    store(client, "/warm-up/", Duration.ofSeconds(30)).load();
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
  void aCommitAppliedWhoseAnswerWasLostSucceeds() throws Exception {
    String prefix = newPrefix();
    LosingFirstCommit losing = new LosingFirstCommit(client, LosingFirstCommit.Mode.APPLIED);

    store(losing.client(), prefix).commit(0, snapshot(1), revision(1));

    // The store adds its fleet id to what it was given.
    assertThat(store(client, prefix).load().toBuilder().clearFleetId().build())
        .isEqualTo(snapshot(1));
  }

  @Test
  void aCommitThatArrivesAfterItsCallerGaveUpIsNeverApplied() throws Exception {
    String prefix = newPrefix();
    LosingFirstCommit losing = new LosingFirstCommit(client, LosingFirstCommit.Mode.HELD);

    assertThatThrownBy(() -> store(losing.client(), prefix).commit(0, snapshot(1), revision(1)))
        .isInstanceOf(IOException.class)
        .isNotInstanceOf(CommitOutcomeUnknownException.class)
        .hasMessageContaining("cannot commit config version 1")
        .hasMessageContaining("nothing was applied");
    TxnResponse late = (TxnResponse) losing.deliverHeldCommit().get();

    assertThat(late.isSucceeded()).isFalse();
    assertThat(store(client, prefix).load().getVersion()).isZero();
  }

  @Test
  void aCommitToAPausedEtcdIsReportedAsMaybeApplied() throws Exception {
    String prefix = newPrefix();
    EtcdConfigStore store = store(client, prefix, Duration.ofSeconds(2));
    etcd.pause();
    try {
      assertThatThrownBy(() -> store.commit(0, snapshot(1), revision(1)))
          .isInstanceOf(CommitOutcomeUnknownException.class)
          .hasMessageContaining("cannot commit config version 1")
          .hasMessageContaining("nor when asked afterwards whether it applied the commit");
    } finally {
      etcd.resume();
    }
  }

  private static EtcdConfigStore store(Client client, String prefix) {
    return store(client, prefix, Duration.ofSeconds(2));
  }

  private static EtcdConfigStore store(Client client, String prefix, Duration timeout) {
    return new EtcdConfigStore(client, etcd.endpoint().toString(), prefix, 10, timeout);
  }

  private static String newPrefix() {
    return "/lost-" + PREFIXES.incrementAndGet() + "/";
  }

  private static ConfigSnapshot snapshot(long version) {
    return ConfigSnapshot.newBuilder()
        .setVersion(version)
        .addPools(Pool.newBuilder().setName("web").setListen(":8080"))
        .build();
  }

  private static Revision revision(long version) {
    return Revision.newBuilder()
        .setVersion(version)
        .setActor("test")
        .setOperation("CreatePool")
        .setTime(Timestamps.fromMillis(1_000 * version))
        .build();
  }
}
