package dev.weir.control.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.Backend;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.Revision;
import dev.weir.control.pool.PoolMutations;
import dev.weir.control.pool.PoolRegistry;
import dev.weir.control.store.EtcdConfigStore;
import dev.weir.control.testing.EtcdServer;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two control planes sharing a real etcd. */
class EtcdReplicasTest {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration WITHIN = Duration.ofSeconds(20);
  private static EtcdServer etcd;
  private static int prefixes;

  private final List<AutoCloseable> opened = new ArrayList<>();
  @TempDir Path dir;

  @BeforeAll
  static void startEtcd() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stopEtcd() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void anEditThroughOneReplicaIsPushedToTheProxiesOfTheOther() throws Exception {
    StoreSpec shared = sharedStore();
    InProcessControlPlane first = replica(shared, "first");
    InProcessControlPlane second = replica(shared, "second");
    TestProxy proxy = second.connectProxy().hello("proxy-on-second").applyEverything();

    long version =
        first
            .admin()
            .createPool(
                CreatePoolRequest.newBuilder()
                    .setName("web")
                    .setListen(":8080")
                    .addBackends(Backend.newBuilder().setAddress("10.0.0.1:80"))
                    .build())
            .getConfigVersion();

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(proxy.latest().getVersion()).isEqualTo(version);
              assertThat(proxy.latest().getPoolsList())
                  .extracting(Pool::getName)
                  .containsExactly("web");
            });
    assertThat(second.listPools().getConfigVersion()).isEqualTo(version);
    // The revision is in the shared history, whichever replica is asked.
    assertThat(
            second
                .admin()
                .listRevisions(ListRevisionsRequest.newBuilder().setLimit(10).build())
                .getRevisionsList())
        .extracting(Revision::getOperation)
        .containsExactly("CreatePool");
  }

  @Test
  void aChangeBuiltOnAStaleVersionLosesWithAClearErrorAndCatchesUp() throws Exception {
    String prefix = newPrefix();
    Client client = client();
    EtcdConfigStore store = new EtcdConfigStore(client, "test", prefix, 100, Duration.ofSeconds(5));
    // Two replicas that both start at version 0 and do not follow each other: a race, frozen.
    PoolRegistry first = PoolRegistry.load(store);
    PoolRegistry second = PoolRegistry.load(store);
    List<ConfigSnapshot> secondAnnounced = new CopyOnWriteArrayList<>();
    second.addListener(secondAnnounced::add);

    ConfigSnapshot won =
        first.apply(
            PoolMutations.createPool(
                CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build()));

    assertThatThrownBy(
            () ->
                second.apply(
                    PoolMutations.createPool(
                        CreatePoolRequest.newBuilder().setName("web").setListen(":9090").build())))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "the configuration changed to "
                          + "version 1 through another control plane while this change was being made; "
                          + "nothing was applied; retry");
            });
    assertThat(store.load()).isEqualTo(won);
    assertThat(second.current()).isEqualTo(won);
    assertThat(secondAnnounced).containsExactly(won);
  }

  @Test
  void conflictingEditsThroughBothReplicasAtOnceHaveExactlyOneWinner() throws Exception {
    StoreSpec shared = sharedStore();
    InProcessControlPlane first = replica(shared, "first");
    InProcessControlPlane second = replica(shared, "second");
    ExecutorService callers = Executors.newFixedThreadPool(2);
    opened.add(callers::shutdownNow);

    for (int round = 0; round < 5; round++) {
      String pool = "pool-" + round;
      CountDownLatch go = new CountDownLatch(1);
      String firstListen = ":" + (8000 + round);
      String secondListen = ":" + (9000 + round);
      Future<Status> viaFirst = callers.submit(() -> create(first, go, pool, firstListen));
      Future<Status> viaSecond = callers.submit(() -> create(second, go, pool, secondListen));
      go.countDown();
      List<Status> outcomes = List.of(viaFirst.get(), viaSecond.get());

      // The loser either raced the commit (ABORTED) or came after it (ALREADY_EXISTS).
      assertThat(outcomes).filteredOn(Status::isOk).hasSize(1);
      assertThat(outcomes)
          .filteredOn(s -> !s.isOk())
          .singleElement()
          .satisfies(
              s -> assertThat(s.getCode()).isIn(Status.Code.ABORTED, Status.Code.ALREADY_EXISTS));
      String winner = outcomes.get(0).isOk() ? firstListen : secondListen;
      await()
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                assertThat(listenOf(first, pool)).isEqualTo(winner);
                assertThat(listenOf(second, pool)).isEqualTo(winner);
              });
    }
  }

  @Test
  void oneReplicaLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
    StoreSpec shared = sharedStore();
    InProcessControlPlane first = replica(shared, "first");
    await().atMost(WITHIN).until(() -> first.plane().isLeader());
    InProcessControlPlane second = replica(shared, "second");
    // Long enough for a wrongly elected second leader to show up.
    await()
        .during(LEASE.multipliedBy(2))
        .atMost(WITHIN)
        .until(() -> first.plane().isLeader() && !second.plane().isLeader());

    first.close();

    await().atMost(WITHIN).until(() -> second.plane().isLeader());
  }

  @Test
  void aLeaderThatCanNoLongerRenewItsLeaseStopsLeadingAndAnotherTakesOver() throws Exception {
    String name = newPrefix() + "leader";
    Client crashing = Client.builder().endpoints(etcd.endpoint()).build();
    EtcdLeaderElection first = new EtcdLeaderElection(crashing, name, "first", LEASE).start();
    opened.add(first);
    await().atMost(WITHIN).until(first::isLeader);
    EtcdLeaderElection second = new EtcdLeaderElection(client(), name, "second", LEASE).start();
    opened.add(second);
    await().during(LEASE).atMost(WITHIN).until(() -> first.isLeader() && !second.isLeader());

    // As if the process died: no more renewals, and no resigning either.
    crashing.close();

    await().atMost(WITHIN).until(() -> !first.isLeader() && second.isLeader());
  }

  @Test
  void withEtcdGoneProxiesKeepTheirConfigAndChangesSayTheyMayHaveBeenAppliedNamingEtcd()
      throws Exception {
    EtcdServer own = EtcdServer.start();
    opened.add(own);
    StoreSpec store =
        EtcdStoreBackend.spec(
            new EtcdStoreBackend.Settings(
                List.of(own.endpoint()),
                "/weir/",
                Duration.ofSeconds(2),
                LEASE,
                Duration.ofMinutes(1),
                10_000));
    InProcessControlPlane plane = replica(store, "only");
    TestProxy proxy = plane.connectProxy().hello("proxy").applyEverything();
    long version =
        plane
            .admin()
            .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build())
            .getConfigVersion();
    await().atMost(WITHIN).until(() -> proxy.latest().getVersion() == version);

    own.close();

    assertThatThrownBy(
            () ->
                plane
                    .admin()
                    .createPool(
                        CreatePoolRequest.newBuilder().setName("api").setListen(":8081").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              // Whether etcd got the commit before it went is not known, so neither is the outcome.
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN);
              assertThat(e.getStatus().getDescription())
                  .startsWith("config version 2 may have been applied: ")
                  .contains("etcd at " + own.endpoint(), "check `weirctl history`");
            });
    assertThat(plane.listPools().getConfigVersion()).isEqualTo(version);
    assertThat(proxy.closedWith()).isNull();
    assertThat(proxy.latest().getVersion()).isEqualTo(version);
  }

  @Test
  void theLeaderCompactsTheSharedHistory() throws Exception {
    String prefix = newPrefix();
    StoreSpec store =
        EtcdStoreBackend.spec(
            new EtcdStoreBackend.Settings(
                List.of(etcd.endpoint()),
                prefix,
                Duration.ofSeconds(5),
                LEASE,
                Duration.ofMillis(200),
                3));
    InProcessControlPlane plane = replica(store, "only");
    await().atMost(WITHIN).until(() -> plane.plane().isLeader());
    for (int i = 0; i < 6; i++) {
      plane
          .admin()
          .createPool(
              CreatePoolRequest.newBuilder()
                  .setName("pool-" + i)
                  .setListen(":" + (8000 + i))
                  .build());
    }
    Client client = client();

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              assertThat(keysUnder(client, prefix + "revisions/")).isEqualTo(3);
              assertThat(keysUnder(client, prefix + "configs/")).isEqualTo(3);
            });
    assertThat(
            plane
                .admin()
                .listRevisions(ListRevisionsRequest.newBuilder().setLimit(10).build())
                .getRevisionsList())
        .extracting(Revision::getVersion)
        .containsExactly(6L, 5L, 4L);
  }

  private static long keysUnder(Client client, String prefix) throws Exception {
    ByteSequence key = ByteSequence.from(prefix, StandardCharsets.UTF_8);
    return client
        .getKVClient()
        .get(key, GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(5, TimeUnit.SECONDS)
        .getCount();
  }

  @Test
  void afterAnEtcdOutageReplicasFollowEachOtherAgain() throws Exception {
    EtcdServer own = EtcdServer.start();
    opened.add(own);
    StoreSpec shared =
        EtcdStoreBackend.spec(
            new EtcdStoreBackend.Settings(
                List.of(own.endpoint()),
                "/weir/",
                Duration.ofSeconds(2),
                LEASE,
                Duration.ofMinutes(1),
                10_000));
    InProcessControlPlane first = replica(shared, "first");
    InProcessControlPlane second = replica(shared, "second");
    TestProxy proxy = second.connectProxy().hello("proxy-on-second").applyEverything();

    own.kill();
    own.restart();
    // The first replica's client reconnects on its own; the change may need a few tries, and a
    // try whose answer timed out may have been applied all the same.
    await().atMost(WITHIN).until(() -> createdOrExists(first, "web", ":8080"));

    await()
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(proxy.latest().getPoolsList())
                    .extracting(Pool::getName)
                    .containsExactly("web"));
    assertThat(second.listPools().getPoolsList()).extracting(Pool::getName).containsExactly("web");
  }

  private static boolean createdOrExists(InProcessControlPlane plane, String pool, String listen) {
    try {
      plane
          .admin()
          .createPool(CreatePoolRequest.newBuilder().setName(pool).setListen(listen).build());
      return true;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode() == Status.Code.ALREADY_EXISTS;
    }
  }

  private Status create(InProcessControlPlane plane, CountDownLatch go, String pool, String listen)
      throws InterruptedException {
    go.await();
    try {
      plane
          .admin()
          .createPool(CreatePoolRequest.newBuilder().setName(pool).setListen(listen).build());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static String listenOf(InProcessControlPlane plane, String pool) {
    return plane.listPools().getPoolsList().stream()
        .filter(p -> p.getName().equals(pool))
        .map(Pool::getListen)
        .findFirst()
        .orElse("(none)");
  }

  private StoreSpec sharedStore() {
    return EtcdStoreBackend.spec(
        new EtcdStoreBackend.Settings(
            List.of(etcd.endpoint()),
            newPrefix(),
            Duration.ofSeconds(5),
            LEASE,
            Duration.ofMinutes(1),
            10_000));
  }

  private InProcessControlPlane replica(StoreSpec store, String name) throws Exception {
    InProcessControlPlane plane = new InProcessControlPlane(dir.resolve(name), store);
    opened.add(plane);
    return plane;
  }

  private Client client() {
    Client client = Client.builder().endpoints(etcd.endpoint()).build();
    opened.add(client);
    return client;
  }

  private static String newPrefix() {
    return "/replicas-" + (++prefixes) + "/";
  }
}
