package dev.weir.control.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.BackendState;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Pool;
import dev.weir.control.store.CommitOutcomeUnknownException;
import dev.weir.control.testing.InMemoryConfigStore;
import io.grpc.Status;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PoolRegistryTest {
  private final InMemoryConfigStore store = new InMemoryConfigStore();
  private final List<ConfigSnapshot> announced = new CopyOnWriteArrayList<>();
  private PoolRegistry registry;

  @BeforeEach
  void startEmpty() throws IOException {
    registry = PoolRegistry.load(store);
    registry.addListener(announced::add);
  }

  @Test
  void eachChangeIsStoredAndAnnouncedAsTheNextVersion() {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    ConfigSnapshot v2 = registry.apply(PoolMutations.createPool(pool("api", ":8081")));

    assertThat(v1.getVersion()).isEqualTo(1);
    assertThat(v2.getVersion()).isEqualTo(2);
    assertThat(registry.current()).isEqualTo(v2);
    assertThat(store.commits()).containsExactly(v1, v2);
    assertThat(announced).containsExactly(v1, v2);
  }

  @Test
  void poolsAreKeptSortedByName() {
    registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    registry.apply(PoolMutations.createPool(pool("api", ":8081")));
    registry.apply(PoolMutations.createPool(pool("mail", ":25")));

    assertThat(registry.current().getPoolsList())
        .extracting(Pool::getName)
        .containsExactly("api", "mail", "web");
  }

  @Test
  void aChangeThatAltersNothingMakesNoNewVersion() {
    registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    registry.apply(PoolMutations.addBackend(backend("web", "10.0.0.1:80")));
    ConfigSnapshot drained =
        registry.apply(PoolMutations.setState("web", "10.0.0.1:80", BackendState.DRAINING));

    ConfigSnapshot again =
        registry.apply(PoolMutations.setState("web", "10.0.0.1:80", BackendState.DRAINING));

    assertThat(again).isSameAs(drained);
    assertThat(store.commits()).hasSize(3);
    assertThat(announced).hasSize(3);
  }

  @Test
  void aRejectedChangeLeavesStoreAndListenersUntouched() {
    registry.apply(PoolMutations.createPool(pool("web", ":8080")));

    assertThatThrownBy(() -> registry.apply(PoolMutations.createPool(pool("api", ":8080"))))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.ALREADY_EXISTS));

    assertThat(registry.current().getVersion()).isEqualTo(1);
    assertThat(store.commits()).hasSize(1);
    assertThat(announced).hasSize(1);
  }

  @Test
  void aChangeThatCannotBeStoredIsUnavailableAndChangesNothing() {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    store.failNextCommit(new IOException("No space left on device"));

    assertThatThrownBy(() -> registry.apply(PoolMutations.createPool(pool("api", ":8081"))))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE))
        .hasMessageContaining("No space left on device");

    assertThat(registry.current()).isEqualTo(v1);
    assertThat(announced).containsExactly(v1);
  }

  @Test
  void aChangeTheStoreCannotSayItTookIsUnknownSayingItMayHaveBeenApplied() {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    store.failNextCommit(
        new CommitOutcomeUnknownException(
            2,
            "cannot commit config version 2: "
                + "etcd at http://10.0.0.5:2379 did not answer within 5 s, nor when asked afterwards "
                + "whether it applied the commit",
            null));

    assertThatThrownBy(() -> registry.apply(PoolMutations.createPool(pool("api", ":8081"))))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(status.getDescription())
                  .isEqualTo(
                      "config version 2 may have been "
                          + "applied: cannot commit config version 2: etcd at http://10.0.0.5:2379 did not "
                          + "answer within 5 s, nor when asked afterwards whether it applied the commit; "
                          + "check `weirctl history` before retrying");
            });
    // If it was committed, the store's follower brings it in; it is not assumed here.
    assertThat(registry.current()).isEqualTo(v1);
  }

  @Test
  void aCommitRacedByAnotherWriterIsAbortedAndCatchesUpWithTheWinner() throws IOException {
    ConfigSnapshot v1 = registry.apply(PoolMutations.createPool(pool("web", ":8080")));
    ConfigSnapshot winner = v1.toBuilder().setVersion(2).build();
    store.overwrite(winner);

    assertThatThrownBy(() -> registry.apply(PoolMutations.createPool(pool("api", ":8081"))))
        .satisfies(
            e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.ABORTED))
        .hasMessageContaining(
            "the configuration changed to version 2 through another control "
                + "plane while this change was being made; nothing was applied; retry");

    assertThat(store.load()).isEqualTo(winner);
    assertThat(registry.current()).isEqualTo(winner);
    assertThat(announced).containsExactly(v1, winner);
  }

  @Test
  void aFailingListenerDoesNotStopTheOthersOrTheChange() {
    List<Long> seen = new CopyOnWriteArrayList<>();
    registry.addListener(
        s -> {
          throw new IllegalStateException("listener bug");
        });
    registry.addListener(s -> seen.add(s.getVersion()));

    registry.apply(PoolMutations.createPool(pool("web", ":8080")));

    assertThat(seen).containsExactly(1L);
  }

  private static CreatePoolRequest pool(String name, String listen) {
    return CreatePoolRequest.newBuilder().setName(name).setListen(listen).build();
  }

  private static AddBackendRequest backend(String pool, String address) {
    return AddBackendRequest.newBuilder().setPool(pool).setAddress(address).build();
  }
}
