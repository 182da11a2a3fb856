package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.DrainStatus;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListRevisionsRequest;
import dev.weir.api.v1.Pool;
import dev.weir.control.testing.EtcdServer;
import dev.weir.e2e.Fleet.Backend;
import dev.weir.e2e.Fleet.Greeted;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two weir-control replicas on one real etcd, a weir-proxy attached to the second, and echo
 * backends: what is changed through one replica reaches the other's proxy, killing the leader hands
 * its duties over, and conflicting changes through both have one winner.
 */
class EtcdHaIT {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration WITHIN = Duration.ofSeconds(30);
  private static final Pattern LISTENING = Pattern.compile("listening on \\S+:(\\d+)");
  private static final Pattern METRICS = Pattern.compile("serving metrics on http://\\S+:(\\d+)/");
  private static final Pattern LEADER = Pattern.compile("is now the leader");
  private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  @TempDir Path dir;
  private final List<AutoCloseable> started = new ArrayList<>();
  private EtcdServer etcd;
  private Replica first;
  private Replica second;
  private Fleet fleet;

  @BeforeEach
  void startReplicas() throws Exception {
    fleet = new Fleet(dir);
    started.add(fleet);
    etcd = EtcdServer.start();
    started.add(etcd);
    first = startReplica("control-1");
    // First alone, so it is the leader when the second starts.
    first.program().awaitLine(LEADER, WITHIN);
    second = startReplica("control-2");
  }

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void editsThroughTheLeaderReachTheOthersProxyAndItsDrainDeadlineOutlivesIt() throws Exception {
    RunningProgram proxy =
        start(
            "proxy",
            List.of(
                Fleet.HOME.resolve("bin/weir-proxy").toString(),
                "--control-plane",
                "127.0.0.1:" + second.port(),
                "--id",
                "proxy",
                "--bind-address",
                "127.0.0.1",
                "--stats-interval",
                "200ms",
                "--event-loops",
                "1",
                "--state-dir",
                dir.resolve("proxy-state").toString(),
                "--shutdown-timeout",
                "5s"));
    Backend drained = fleet.startBackend("b1");
    Backend other = fleet.startBackend("b2");
    int poolPort = Fleet.freePortOn("127.0.0.1");

    weirctl(
        first,
        "pool",
        "create",
        "web",
        "--listen",
        ":" + poolPort,
        "--backend",
        drained.address(),
        "--backend",
        other.address());

    await("the proxy on the second replica to serve the pool made through the first")
        .atMost(WITHIN)
        .ignoreExceptions()
        .until(() -> Fleet.backendOf("127.0.0.1", poolPort) != null);
    assertThat(proxy.isAlive()).isTrue();
    try (Greeted held = connectTo(poolPort, drained.name())) {
      await("the second replica to count the held connection")
          .atMost(WITHIN)
          .until(() -> status(second, drained.address()).getActiveConnections() == 1);
      assertThat(metric(second, "weir_control_leader")).isEqualTo(0);

      weirctl(first, "backend", "drain", "web", drained.address(), "--deadline", "8s");
      first.program().kill9();

      second.program().awaitLine(LEADER, WITHIN);
      assertThat(metric(second, "weir_control_leader")).isEqualTo(1);
      // The deadline is in the config every proxy holds: it needs no leader to be enforced.
      await("the proxy to cut the held connection at the drain deadline")
          .atMost(WITHIN)
          .until(() -> closedByPeer(held));
      await("the second replica to see the drain end at its deadline")
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                DrainStatus drain = status(second, drained.address()).getDrain();
                assertThat(drain.getState()).isEqualTo(DrainStatus.State.DRAINED);
                assertThat(drain.getCutConnections()).isEqualTo(1);
              });
    }
  }

  @Test
  void conflictingChangesThroughBothReplicasAtOnceHaveOneWinnerAndAClearError() throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(2);
    started.add(callers::shutdownNow);
    int aborted = 0;
    for (int round = 0; round < 30 && aborted == 0; round++) {
      String pool = "pool-" + round;
      CountDownLatch go = new CountDownLatch(1);
      int firstPort = Fleet.freePortOn("127.0.0.1");
      int secondPort = firstPort == 65535 ? firstPort - 1 : firstPort + 1;
      Future<Status> viaFirst = callers.submit(() -> create(first, go, pool, firstPort));
      Future<Status> viaSecond = callers.submit(() -> create(second, go, pool, secondPort));
      go.countDown();
      List<Status> outcomes = List.of(viaFirst.get(), viaSecond.get());

      assertThat(outcomes).as("round %d", round).filteredOn(Status::isOk).hasSize(1);
      Status loser = outcomes.get(0).isOk() ? outcomes.get(1) : outcomes.get(0);
      // Racing the winner's commit: ABORTED; arriving after it: the pool exists.
      assertThat(loser.getCode()).isIn(Status.Code.ABORTED, Status.Code.ALREADY_EXISTS);
      if (loser.getCode() == Status.Code.ABORTED) {
        aborted++;
        assertThat(loser.getDescription())
            .matches(
                "the configuration changed to version \\d+ "
                    + "through another control plane while this change was being made; nothing was "
                    + "applied; retry");
      }
      String winner = ":" + (outcomes.get(0).isOk() ? firstPort : secondPort);
      await("both replicas to hold the winner")
          .atMost(WITHIN)
          .untilAsserted(
              () -> {
                assertThat(listenOf(first, pool)).isEqualTo(winner);
                assertThat(listenOf(second, pool)).isEqualTo(winner);
              });
    }
    assertThat(aborted)
        .as("changes that raced the other replica's commit and were ABORTED")
        .isPositive();
  }

  @Test
  void aChangeEtcdDoesNotAnswerSaysItMayHaveBeenAppliedAndNeverThatItFailed() throws Exception {
    weirctl(first, "pool", "create", "web", "--listen", ":" + Fleet.freePortOn("127.0.0.1"));

    etcd.pause();
    Fleet.CliResult added;
    try {
      added = weirctlResult(first, "backend", "add", "web", "127.0.0.1:9");
    } finally {
      etcd.resume();
    }

    assertThat(added.exitCode()).as(added.stderr()).isEqualTo(6);
    assertThat(added.stderr())
        .contains(
            "config version 2 may have been applied",
            "did not answer within 5 s",
            "check `weirctl history`");
    // Whatever etcd made of it once it ran again, both replicas and the history agree on it.
    await("both replicas and the history to agree on the change")
        .atMost(WITHIN)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              boolean inHistory =
                  first
                      .admin()
                      .listRevisions(ListRevisionsRequest.getDefaultInstance())
                      .getRevisionsList()
                      .stream()
                      .anyMatch(r -> r.getOperation().equals("AddBackend"));
              assertThat(backendsOf(first))
                  .isEqualTo(inHistory ? List.of("127.0.0.1:9") : List.of());
              assertThat(backendsOf(second)).isEqualTo(backendsOf(first));
            });
  }

  private static List<String> backendsOf(Replica replica) {
    return replica.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList().stream()
        .filter(p -> p.getName().equals("web"))
        .flatMap(p -> p.getBackendsList().stream())
        .map(b -> b.getAddress())
        .toList();
  }

  private Replica startReplica(String name) {
    RunningProgram program =
        start(
            name,
            List.of(
                Fleet.HOME.resolve("bin/weir-control").toString(),
                "--listen",
                "127.0.0.1:0",
                "--metrics",
                "127.0.0.1:0",
                "--data-dir",
                dir.resolve(name).toString(),
                "--store",
                "etcd",
                "--etcd-endpoints",
                etcd.endpoint().toString()));
    int port = Integer.parseInt(program.awaitLine(LISTENING, START_TIMEOUT));
    int metricsPort = Integer.parseInt(program.awaitLine(METRICS, START_TIMEOUT));
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    started.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return new Replica(program, port, metricsPort, channel);
  }

  private RunningProgram start(String name, List<String> command) {
    List<String> withEnv = new ArrayList<>(List.of("env", "WEIR_JAVA_OPTS=" + JAVA_OPTS));
    withEnv.addAll(command);
    RunningProgram program = RunningProgram.start(name, dir, withEnv);
    started.add(program);
    return program;
  }

  private Fleet.CliResult weirctlResult(Replica replica, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("--control-plane", "127.0.0.1:" + replica.port()));
    command.addAll(List.of(args));
    return fleet.weirctlExactly(Map.of(), command);
  }

  private void weirctl(Replica replica, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Fleet.HOME.resolve("bin/weirctl").toString(),
                "--control-plane",
                "127.0.0.1:" + replica.port()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "weirctl", ".out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("weirctl %s exited", command).isTrue();
      assertThat(p.exitValue()).as("weirctl %s: %s", command, Files.readString(out)).isZero();
    } finally {
      p.destroyForcibly();
    }
  }

  private static Status create(Replica replica, CountDownLatch go, String pool, int port)
      throws InterruptedException {
    AdminServiceGrpc.AdminServiceBlockingStub admin = replica.admin();
    go.await();
    try {
      admin.createPool(CreatePoolRequest.newBuilder().setName(pool).setListen(":" + port).build());
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  private static String listenOf(Replica replica, String pool) {
    return replica.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList().stream()
        .filter(p -> p.getName().equals(pool))
        .map(Pool::getListen)
        .findFirst()
        .orElse("(none)");
  }

  private static BackendStatus status(Replica replica, String backend) {
    return replica
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackendsList()
        .stream()
        .filter(b -> b.getAddress().equals(backend))
        .findFirst()
        .orElseThrow();
  }

  /** A gauge's value from the replica's /metrics. */
  private static double metric(Replica replica, String name) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + replica.metricsPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response
        .body()
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + response.body()));
  }

  private static Greeted connectTo(int port, String backend) throws IOException {
    for (int attempt = 0; attempt < 20; attempt++) {
      Greeted connection = Fleet.connect("127.0.0.1", port);
      if (connection.backend().equals(backend)) {
        return connection;
      }
      connection.close();
    }
    throw new AssertionError("no connection through the proxy reached " + backend);
  }

  /** Whether the proxy closed the connection: a read ends instead of timing out. */
  private static boolean closedByPeer(Greeted connection) throws IOException {
    connection.socket().setSoTimeout(200);
    try {
      return connection.in().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      // Reset by the peer counts as closed too.
      return true;
    }
  }

  private record Replica(
      RunningProgram program, int port, int metricsPort, ManagedChannel channel) {
    AdminServiceGrpc.AdminServiceBlockingStub admin() {
      return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }
  }
}
