package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.FleetCoverage;
import dev.weir.api.v1.FleetHealth;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListConnectionsResponse;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.MissingReplica;
import dev.weir.api.v1.PoolStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.e2e.ControlReplicas.Replica;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.CliResult;
import dev.weir.e2e.Fleet.Greeted;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * One fleet over three weir-control replicas on a real etcd: weir-proxy processes spread over the
 * replicas (each given one replica, on 127.0.0.2 to .5), echo backends, and the packaged weirctl
 * driven through replica 1 only. Every fleet-wide answer must cover the proxies of all three, and a
 * replica killed with kill -9 must be named as missing, never silently left out.
 *
 * <p>Starting etcd, three replicas and four proxies is most of the cost, so the checks share one
 * fleet, each with a pool of its own, in order; the kill comes last.
 */
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class ReplicasIT {

  private static final String EDGE_1 = "127.0.0.2";
  private static final String EDGE_2 = "127.0.0.3";
  private static final String EDGE_3 = "127.0.0.4";
  private static final String PINNED = "127.0.0.5";
  private static final String[] PROXY_HOSTS = {EDGE_1, EDGE_2, EDGE_3, PINNED};
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Duration MOVE_POLL = Duration.ofMillis(50);
  private static final Pattern ONE_CONNECTION = Pattern.compile("\\b1 connection remains\\b");

  private Path dir;
  private final List<AutoCloseable> started = new ArrayList<>();
  private Fleet fleet;
  private Replica one;
  private Replica two;
  private Replica three;
  // Proxy id -> the replica it is connected to.
  private final Map<String, Replica> proxies = new LinkedHashMap<>();
  private Backend echo;
  private Backend target;
  private Backend voter;

  // A parameter, not a field: a @TempDir field is not set yet when a @BeforeAll method runs.
  // Kept when a check fails: the programs' logs are in it.
  @BeforeAll
  void startFleet(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir) throws Exception {
    this.dir = dir;
    fleet = new Fleet(dir);
    ControlReplicas replicas = ControlReplicas.on(fleet);
    // Closed in reverse: the fleet's programs first, then etcd.
    started.add(replicas);
    started.add(fleet);
    one = replicas.start("replica-1", 0);
    three = replicas.start("replica-3", 0);
    // A proxy given several replicas starts at a random one. edge-3 must start on replica 3 and
    // be able to move to replica 2 when 3 dies, so it is started before replica 2 exists, and
    // replica 2 then takes the port edge-3 was given for it.
    int twoPort = Fleet.freePortOn("127.0.0.1");
    startProxy("edge-3", EDGE_3, three, three.address() + ",127.0.0.1:" + twoPort);
    // Given replica 3 alone, it cannot move: it stays unaccounted for once replica 3 is killed.
    startProxy("edge-3-pinned", PINNED, three, three.address());
    awaitConnected(three, "edge-3", "edge-3-pinned");
    two = replicas.start("replica-2", twoPort);
    startProxy("edge-1", EDGE_1, one, one.address());
    startProxy("edge-2", EDGE_2, two, two.address());
    awaitConnected(one, "edge-1");
    awaitConnected(two, "edge-2");
    echo = fleet.startBackend("echo");
    target = fleet.startBackend("target");
    voter = fleet.startBackend("voter");
  }

  @AfterAll
  void stopFleet() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  @Order(1)
  void proxiesThroughOneReplicaListEveryReplicasProxiesEachWithItsReplica() throws Exception {
    await("replica 1 to list every replica's proxies")
        .atMost(WITHIN)
        .untilAsserted(
            () -> {
              ListProxiesResponse listed = proxiesJson();
              assertThat(listed.getProxiesList())
                  .extracting(ProxyInfo::getId)
                  .containsExactlyInAnyOrderElementsOf(proxies.keySet());
              for (ProxyInfo proxy : listed.getProxiesList()) {
                assertThat(proxy.getConnected()).as("%s connected", proxy.getId()).isTrue();
                assertThat(replicaOf(proxy, listed.getCoverage()))
                    .as("replica of %s", proxy.getId())
                    .isEqualTo(proxies.get(proxy.getId()).id());
              }
              assertThat(listed.getCoverage().getAnsweredBy()).isEqualTo(one.id());
              assertThat(listed.getCoverage().getReplicasList())
                  .containsExactlyInAnyOrder(one.id(), two.id(), three.id());
              assertThat(listed.getCoverage().getMissingList()).isEmpty();
            });

    CliResult table = weirctl("proxies").assertOk();

    assertThat(table.stdout().lines().findFirst())
        .hasValueSatisfying(header -> assertThat(header).contains("ID", "REPLICA"));
    proxies.forEach(
        (id, replica) ->
            assertThat(table.stdout().lines())
                .as("the row of %s", id)
                .anyMatch(line -> line.startsWith(id + " ") && line.contains(replica.id())));
  }

  @Test
  @Order(2)
  void connectionsThroughReplicaOneListAndCloseAConnectionHeldThroughReplicaTwo() throws Exception {
    int port = createPool("conns", echo);
    try (Greeted held = Fleet.connect(EDGE_2, port)) {
      assertThat(held.echo("hello")).isEqualTo("hello");

      ConnectionInfo listed =
          await("replica 1 to list the connection held through edge-2")
              .atMost(WITHIN)
              .until(() -> connectionOf(held), c -> c != null);

      assertThat(listed.getProxyId()).isEqualTo("edge-2");
      assertThat(listed.getPool()).isEqualTo("conns");
      assertThat(listed.getBackendAddress()).isEqualTo(echo.address());
      assertThat(weirctl("connections").assertOk().stdout()).contains(listed.getId());

      CliResult closed = weirctl("connections", "close", listed.getId());

      closed.assertOk();
      assertThat(closed.stdout()).contains("closed " + listed.getId());
      assertThat(held.in().readLine()).as("the closed client sees end of stream").isNull();
      await("the closed connection to leave the list")
          .atMost(WITHIN)
          .until(() -> connectionOf(held) == null);
    }
  }

  @Test
  @Order(3)
  void drainWaitThroughReplicaOneReturnsOnlyOnceAConnectionThroughReplicaTwoCloses()
      throws Exception {
    int port = createPool("draining", target, echo);
    try (Greeted held = Fleet.connectTo(EDGE_2, port, target.name())) {
      awaitActive(one, "draining", 1);

      RunningProgram drain =
          weirctlOnTheSide(
              "weirctl-drain", "backend", "drain", "draining", target.address(), "--wait");

      drain.awaitLine(ONE_CONNECTION, WITHIN);
      assertThat(drain.isAlive())
          .as("drain --wait while the connection is held; output: %s", drain.output())
          .isTrue();
      assertThat(held.echo("still served")).isEqualTo("still served");

      held.close();

      assertThat(drain.awaitExit(WITHIN)).as("exit code; output: %s", drain.output()).isZero();
      assertThat(drain.output()).anyMatch(line -> line.contains("drained"));
    }
  }

  @Test
  @Order(4)
  void drainWaitWithADeadlineReportsTheConnectionThroughReplicaTwoCutAtIt() throws Exception {
    int port = createPool("cut", target, echo);
    try (Greeted held = Fleet.connectTo(EDGE_2, port, target.name())) {
      awaitActive(one, "cut", 1);

      CliResult drained =
          weirctl("backend", "drain", "cut", target.address(), "--deadline", "3s", "--wait");

      assertThat(drained.exitCode()).as("exit code; stderr: %s", drained.stderr()).isZero();
      assertThat(drained.stdout()).contains("1 connection was cut at the deadline");
      await("the client to see its connection cut").atMost(WITHIN).until(held::closedByPeer);
    }
  }

  @Test
  @Order(5)
  void waitThroughReplicaOneCountsTheProxiesOfEveryReplica() throws Exception {
    CliResult created =
        weirctl(
            "pool",
            "create",
            "everywhere",
            "--listen",
            ":" + Fleet.freePortOn(PROXY_HOSTS),
            "--backend",
            echo.address(),
            "--wait");

    assertThat(created.exitCode()).as("exit code; stderr: %s", created.stderr()).isZero();
    assertThat(created.stdout()).containsPattern("applied on (4 of 4 proxies|4 proxies)\\b");

    // The port taken on replica 2's proxy only: that one proxy cannot put the pool in force.
    int taken = Fleet.freePortOn(PROXY_HOSTS);
    try (ServerSocket squatter = new ServerSocket(taken, 1, InetAddress.getByName(EDGE_2))) {
      CliResult blocked =
          weirctl(
              "pool",
              "create",
              "blocked",
              "--listen",
              ":" + taken,
              "--backend",
              echo.address(),
              "--wait");

      assertThat(blocked.exitCode()).as("exit code; stdout: %s", blocked.stdout()).isEqualTo(4);
      assertThat(blocked.stderr()).contains("applied on 3 of 4 proxies", "edge-2");
    } finally {
      // A pool a proxy cannot put in force would fail every later --wait.
      weirctl("pool", "delete", "blocked").assertOk();
    }
  }

  @Test
  @Order(6)
  void healthByQuorumCountsTheVotesOfProxiesOnEveryReplica() throws Exception {
    // Without health checks each proxy judges a backend by its own last connect to it, so the
    // votes split by which proxies tried it after it went down.
    int port = createPool("votes", voter);
    for (String proxy : List.of(EDGE_1, EDGE_2, EDGE_3)) {
      assertThat(Fleet.backendOf(proxy, port)).isEqualTo(voter.name());
    }
    awaitVotes(3, 0);

    voter.program().kill9();
    assertThatThrownBy(() -> Fleet.connect(EDGE_3, port)).isInstanceOf(IOException.class);

    assertThat(awaitVotes(2, 1).getFleetHealth())
        .as("one proxy (replica 3's) of three sees it down")
        .isEqualTo(FleetHealth.FLEET_HEALTHY);
    assertThat(weirctl("pool", "show", "votes").assertOk().stdout())
        .containsPattern("\\bhealthy 2/3\\b");

    assertThatThrownBy(() -> Fleet.connect(EDGE_2, port)).isInstanceOf(IOException.class);

    assertThat(awaitVotes(1, 2).getFleetHealth())
        .as("the proxies of replicas 2 and 3 see it down, replica 1's up")
        .isEqualTo(FleetHealth.FLEET_UNHEALTHY);
    assertThat(weirctl("pool", "show", "votes").assertOk().stdout())
        .containsPattern("\\bunhealthy 1/3\\b");
  }

  @Test
  @Order(7)
  void aReplicaKilledMidDrainIsNamedMissingAndItsProxiesMoveAndAreCountedOnce() throws Exception {
    int port = createPool("moving", target, echo);
    try (Greeted held = Fleet.connectTo(EDGE_3, port, target.name())) {
      awaitActive(one, "moving", 1);
      RunningProgram drain =
          weirctlOnTheSide(
              "weirctl-drain-moving", "backend", "drain", "moving", target.address(), "--wait");
      drain.awaitLine(ONE_CONNECTION, WITHIN);

      three.program().kill9();

      // edge-3-pinned keeps replica 3 unaccounted for well past these three queries.
      await("replica 1 to name replica 3 missing in proxies")
          .atMost(WITHIN)
          .until(() -> missing(proxiesJson().getCoverage()).contains(three.id()));
      CliResult table = weirctl("proxies").assertOk();
      assertThat((table.stdout() + table.stderr()).lines())
          .as(
              "a line naming replica 3 and its stranded proxy in: %s%s",
              table.stdout(), table.stderr())
          .anyMatch(
              line ->
                  line.startsWith("replica " + three.id() + " ")
                      && line.contains("is missing")
                      && line.contains("edge-3-pinned"));
      assertThat(missing(connectionsJson().getCoverage())).contains(three.id());
      PoolStatus status = poolJson("moving");
      assertThat(missing(status.getCoverage())).contains(three.id());
      assertThat(drainOf(status).getState()).isEqualTo(DrainStatus.State.DRAINING);
      assertThat(drainOf(status).getUnaccountedReplicasList()).contains(three.id());
      drain.awaitLine(Pattern.compile(Pattern.quote(three.id()) + " unaccounted"), WITHIN);

      // edge-3 moves to replica 2 with the connection still open, and is never listed twice;
      // replica 1 is asked directly while it moves, to see as many answers as it gives.
      List<String> listedTwice = new CopyOnWriteArrayList<>();
      await("edge-3 to be listed on replica 2")
          .atMost(WITHIN)
          .pollInterval(MOVE_POLL)
          .untilAsserted(
              () -> {
                ListProxiesResponse listed =
                    one.admin().listProxies(ListProxiesRequest.getDefaultInstance());
                List<ProxyInfo> copies = copiesOf("edge-3", listed);
                if (copies.size() > 1) {
                  listedTwice.add(copies.toString());
                }
                assertThat(copies).hasSize(1);
                assertThat(copies.get(0).getConnected()).isTrue();
                assertThat(replicaOf(copies.get(0), listed.getCoverage())).isEqualTo(two.id());
              });
      assertThat(listedTwice).as("answers that listed edge-3 twice").isEmpty();
      ListProxiesResponse moved = proxiesJson();
      assertThat(copiesOf("edge-3", moved))
          .singleElement()
          .satisfies(p -> assertThat(replicaOf(p, moved.getCoverage())).isEqualTo(two.id()));
      assertThat(connectionsJson().getConnectionsList())
          .filteredOn(c -> c.getClientAddress().equals(clientOf(held)))
          .singleElement()
          .extracting(ConnectionInfo::getProxyId)
          .isEqualTo("edge-3");
      assertThat(drain.isAlive())
          .as("drain --wait while the connection is held; output: %s", drain.output())
          .isTrue();
      assertThat(held.echo("after the move")).isEqualTo("after the move");

      held.close();

      // No connection is left anywhere known, but while replica 3 is still missing its drain
      // cannot be over.
      PoolStatus closed = poolJson("moving");
      if (missing(closed.getCoverage()).contains(three.id())) {
        assertThat(drainOf(closed).getState()).isEqualTo(DrainStatus.State.DRAINING);
        assertThat(drainOf(closed).getUnaccountedReplicasList()).contains(three.id());
      }
      assertThat(drain.awaitExit(Duration.ofSeconds(60)))
          .as("exit code; output: %s", drain.output())
          .isZero();
      assertThat(drain.output()).anyMatch(line -> line.contains("drained"));
      PoolStatus drained = poolJson("moving");
      assertThat(drainOf(drained).getState()).isEqualTo(DrainStatus.State.DRAINED);
      assertThat(drained.getCoverage().getMissingList()).isEmpty();
      assertThat(copiesOf("edge-3", proxiesJson())).hasSize(1);
    }
  }

  private void startProxy(String id, String bindAddress, Replica replica, String controlPlanes) {
    fleet.launch(
        id,
        "weir-proxy",
        List.of(
            "--control-plane",
            controlPlanes,
            "--id",
            id,
            "--bind-address",
            bindAddress,
            "--stats-interval",
            "200ms",
            "--event-loops",
            "1",
            "--state-dir",
            dir.resolve("proxy-state").toString(),
            "--shutdown-timeout",
            "5s"));
    proxies.put(id, replica);
  }

  /** Waits until {@code replica} has the proxies connected; it knows its own ones first. */
  private static void awaitConnected(Replica replica, String... ids) {
    await(Arrays.toString(ids) + " to connect to " + replica)
        .atMost(WITHIN)
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        replica
                            .admin()
                            .listProxies(ListProxiesRequest.getDefaultInstance())
                            .getProxiesList())
                    .filteredOn(ProxyInfo::getConnected)
                    .extracting(ProxyInfo::getId)
                    .contains(ids));
  }

  /** Creates a pool through replica 1 and waits until every proxy applied it; its port. */
  private int createPool(String name, Backend... backends) throws Exception {
    int port = Fleet.freePortOn(PROXY_HOSTS);
    List<String> args = new ArrayList<>(List.of("pool", "create", name, "--listen", ":" + port));
    for (Backend backend : backends) {
      args.addAll(List.of("--backend", backend.address()));
    }
    weirctl(args.toArray(String[]::new)).assertOk();
    awaitApplied();
    return port;
  }

  /**
   * Waits until every proxy applied replica 1's newest config, as its own replica says: this makes
   * the checks' set-up independent of what they check.
   */
  private void awaitApplied() {
    long version =
        one.admin().listProxies(ListProxiesRequest.getDefaultInstance()).getConfigVersion();
    await("every proxy to apply config version " + version)
        .atMost(WITHIN)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              Set<String> applied = new HashSet<>();
              for (Replica replica : Set.copyOf(proxies.values())) {
                for (ProxyInfo proxy :
                    replica
                        .admin()
                        .listProxies(ListProxiesRequest.getDefaultInstance())
                        .getProxiesList()) {
                  if (proxy.getConnected() && proxy.getLastAppliedVersion() >= version) {
                    applied.add(proxy.getId());
                  }
                }
              }
              assertThat(applied).containsAll(proxies.keySet());
            });
  }

  /** Waits until {@code replica} counts {@code active} connections to the target backend. */
  private void awaitActive(Replica replica, String pool, long active) {
    await(replica + " to count " + active + " connections to " + target.name() + " in " + pool)
        .atMost(WITHIN)
        .untilAsserted(
            () ->
                assertThat(
                        backendOf(
                                replica
                                    .admin()
                                    .getPoolStatus(
                                        GetPoolStatusRequest.newBuilder().setName(pool).build()),
                                target)
                            .getActiveConnections())
                    .isEqualTo(active));
  }

  /**
   * Waits until replica 1 counts these votes on the voter, asked directly (each weirctl is a JVM
   * start); the checks then read the same through weirctl.
   */
  private BackendStatus awaitVotes(int healthy, int unhealthy) {
    return await("replica 1 to count " + healthy + " healthy and " + unhealthy + " unhealthy votes")
        .atMost(WITHIN)
        .until(
            () ->
                backendOf(
                    one.admin()
                        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("votes").build()),
                    voter),
            b -> b.getHealthyProxies() == healthy && b.getUnhealthyProxies() == unhealthy);
  }

  /** weirctl through replica 1, waited for. */
  private CliResult weirctl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("--control-plane", one.address()));
    command.addAll(List.of(args));
    return fleet.weirctlExactly(Map.of(), command);
  }

  /** weirctl through replica 1, left running; the fleet stops it if it is still running. */
  private RunningProgram weirctlOnTheSide(String name, String... args) {
    List<String> command = new ArrayList<>(List.of("--control-plane", one.address()));
    command.addAll(List.of(args));
    return fleet.launch(name, "weirctl", command);
  }

  private ListProxiesResponse proxiesJson() throws Exception {
    return parsed(weirctl("-o", "json", "proxies"), ListProxiesResponse.newBuilder()).build();
  }

  private ListConnectionsResponse connectionsJson() throws Exception {
    return parsed(weirctl("-o", "json", "connections"), ListConnectionsResponse.newBuilder())
        .build();
  }

  private PoolStatus poolJson(String pool) throws Exception {
    return parsed(weirctl("-o", "json", "pool", "show", pool), PoolStatus.newBuilder()).build();
  }

  /** The connection {@code held} as replica 1 lists it, or null. */
  private ConnectionInfo connectionOf(Greeted held) throws Exception {
    ListConnectionsResponse listed = connectionsJson();
    assertThat(listed.getCoverage().getMissingList()).isEmpty();
    assertThat(listed.getUnansweredProxiesList()).isEmpty();
    return listed.getConnectionsList().stream()
        .filter(c -> c.getClientAddress().equals(clientOf(held)))
        .findFirst()
        .orElse(null);
  }

  private static <B extends Message.Builder> B parsed(CliResult result, B into) throws IOException {
    result.assertOk();
    JsonFormat.parser().merge(result.stdout(), into);
    return into;
  }

  /** The proxy's replica; empty means the one that answered. */
  private static String replicaOf(ProxyInfo proxy, FleetCoverage coverage) {
    return proxy.getReplica().isEmpty() ? coverage.getAnsweredBy() : proxy.getReplica();
  }

  private static List<ProxyInfo> copiesOf(String id, ListProxiesResponse listed) {
    return listed.getProxiesList().stream().filter(p -> p.getId().equals(id)).toList();
  }

  private static List<String> missing(FleetCoverage coverage) {
    return coverage.getMissingList().stream().map(MissingReplica::getReplicaId).toList();
  }

  private static BackendStatus backendOf(PoolStatus status, Backend backend) {
    return status.getBackendsList().stream()
        .filter(b -> b.getAddress().equals(backend.address()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + backend.address() + " in " + status));
  }

  private DrainStatus drainOf(PoolStatus status) {
    return backendOf(status, target).getDrain();
  }

  private static String clientOf(Greeted connection) {
    return connection.socket().getLocalAddress().getHostAddress()
        + ":"
        + connection.socket().getLocalPort();
  }
}
