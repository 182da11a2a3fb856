package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.BackendStatus;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.GetPoolStatusRequest;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.ProxyMessage;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyServiceTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    addBackend("10.0.0.1:80");
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void aProxyReceivesTheCurrentSnapshotWithANonceAfterItsHello() {
    TestProxy proxy = control.connectProxy().hello("edge-1");

    await().until(() -> proxy.latest() != null);
    ConfigSnapshot snapshot = proxy.latest();
    assertThat(snapshot.getVersion()).isEqualTo(2);
    assertThat(snapshot.getPools(0).getBackends(0).getAddress()).isEqualTo("10.0.0.1:80");
    assertThat(snapshot.getNonce()).isNotEmpty();
  }

  @Test
  void everyChangeIsPushedToEveryConnectedProxyWithAFreshNonce() {
    TestProxy first = control.connectProxy().hello("edge-1").applyEverything();
    TestProxy second = control.connectProxy().hello("edge-2").applyEverything();

    addBackend("10.0.0.2:80");

    await().until(() -> latestVersion(first) == 3 && latestVersion(second) == 3);
    assertThat(first.latest().getPools(0).getBackendsCount()).isEqualTo(2);
    assertThat(first.snapshots()).extracting(ConfigSnapshot::getNonce).doesNotHaveDuplicates();
    assertThat(first.latest().getNonce()).isNotEqualTo(second.latest().getNonce());
  }

  @Test
  void anAckIsRecordedAsTheProxysLastAckedVersion() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);

    proxy.ack(proxy.latest());

    await().until(() -> proxyInfo("edge-1").getLastAckedVersion() == 2);
    assertThat(proxyInfo("edge-1").getLastSentVersion()).isEqualTo(2);
  }

  @Test
  void anAckWhoseNonceMatchesNoSendIsIgnored() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);

    proxy.ack(proxy.latest().toBuilder().setNonce("forged").build());
    proxy.ack(proxy.latest().toBuilder().setVersion(1).build());

    assertThat(proxyInfo("edge-1").getLastAckedVersion()).isZero();
    assertThat(proxy.closedWith()).isNull();
  }

  @Test
  void aNackIsRecordedWithItsReason() {
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> proxy.latest() != null);

    proxy.nack(proxy.latest(), "pool web: cannot listen on 0.0.0.0:8080: address already in use");

    await().until(() -> proxyInfo("edge-1").getLastNackVersion() == 2);
    assertThat(proxyInfo("edge-1").getLastNackReason())
        .isEqualTo("pool web: cannot listen on 0.0.0.0:8080: address already in use");
    assertThat(proxyInfo("edge-1").getLastAckedVersion()).isZero();
  }

  @Test
  void theProxyListShowsWhoTheProxyIsAndWhenItConnected() {
    control
        .connectProxy()
        .hello(
            Hello.newBuilder()
                .setProxyId("edge-1")
                .setHostname("lb-7.example")
                .setVersion("0.1.0")
                .setConfigVersion(1)
                .build());

    ProxyInfo info = proxyInfo("edge-1");
    assertThat(info.getConnected()).isTrue();
    assertThat(info.getHostname()).isEqualTo("lb-7.example");
    assertThat(info.getVersion()).isEqualTo("0.1.0");
    assertThat(info.getAddress()).isNotEmpty();
    assertThat(info.getConnectedSince().getSeconds())
        .isEqualTo(control.clock().instant().getEpochSecond());
    assertThat(info.hasDisconnectedAt()).isFalse();
    // What the proxy said it runs, until it ACKs something newer.
    assertThat(info.getLastAckedVersion()).isEqualTo(1);
  }

  @Test
  void aSecondStreamWithTheSameIdReplacesTheFirst() {
    TestProxy first = control.connectProxy().hello("edge-1").applyEverything();
    TestProxy second = control.connectProxy().hello("edge-1").applyEverything();

    await().until(() -> first.closedWith() != null);
    assertThat(first.closedWith().getCode()).isEqualTo(Status.Code.ABORTED);
    assertThat(first.closedWith().getDescription()).contains("replaced", "edge-1");
    addBackend("10.0.0.2:80");
    await().until(() -> latestVersion(second) == 3);
    assertThat(latestVersion(first)).isEqualTo(2);
    assertThat(proxies()).extracting(ProxyInfo::getId).containsExactly("edge-1");
    assertThat(proxyInfo("edge-1").getConnected()).isTrue();
  }

  @Test
  void aSecondStreamWithTheSameIdFromAnotherHostIsRefusedAndTheFirstKeepsItsStream() {
    TestProxy first = control.connectProxyFrom("10.0.0.1", 4242).hello("web-1").applyEverything();
    await().until(() -> latestVersion(first) == 2);

    TestProxy second = control.connectProxyFrom("10.0.0.2", 5151).hello("web-1");

    await().until(() -> second.closedWith() != null);
    assertThat(second.closedWith().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
    assertThat(second.closedWith().getDescription())
        .isEqualTo(
            "proxy id web-1 is already "
                + "connected from 10.0.0.1:4242; this stream comes from 10.0.0.2:5151; give each proxy "
                + "its own --id");
    assertThat(first.closedWith()).isNull();
    addBackend("10.0.0.2:80");
    await().until(() -> latestVersion(first) == 3);
    assertThat(second.snapshots()).isEmpty();
    assertThat(proxies()).extracting(ProxyInfo::getAddress).containsExactly("10.0.0.1:4242");
    assertThat(proxyInfo("web-1").getConnected()).isTrue();
  }

  @Test
  void aSecondStreamWithTheSameIdFromTheSameHostReplacesTheFirst() {
    TestProxy first = control.connectProxyFrom("10.0.0.1", 4242).hello("web-1").applyEverything();
    await().until(() -> latestVersion(first) == 2);

    TestProxy second = control.connectProxyFrom("10.0.0.1", 4343).hello("web-1").applyEverything();

    await().until(() -> first.closedWith() != null);
    assertThat(first.closedWith().getCode()).isEqualTo(Status.Code.ABORTED);
    await().until(() -> latestVersion(second) == 2);
    assertThat(proxies()).extracting(ProxyInfo::getAddress).containsExactly("10.0.0.1:4343");
  }

  @Test
  void anIdWhoseStreamEndedMayConnectFromAnotherHost() {
    TestProxy first = control.connectProxyFrom("10.0.0.1", 4242).hello("web-1");
    await().until(() -> first.latest() != null);
    first.cancel();
    await().until(() -> !proxyInfo("web-1").getConnected());

    TestProxy second = control.connectProxyFrom("10.0.0.2", 5151).hello("web-1").applyEverything();

    await().until(() -> latestVersion(second) == 2);
    assertThat(second.closedWith()).isNull();
    assertThat(proxyInfo("web-1").getAddress()).isEqualTo("10.0.0.2:5151");
  }

  @Test
  void aStreamThatDoesNotStartWithHelloIsRejected() {
    TestProxy proxy = control.connectProxy();

    proxy.stats(StatsReport.getDefaultInstance());

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(proxy.closedWith().getDescription())
        .isEqualTo("the first message must be hello, got stats");
    assertThat(proxies()).isEmpty();
  }

  @Test
  void aHelloWithAnInvalidProxyIdIsRejectedNamingTheField() {
    TestProxy proxy = control.connectProxy().hello("edge 1");

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(proxy.closedWith().getDescription())
        .isEqualTo("proxy_id \"edge 1\" is invalid: use 1..128 of [A-Za-z0-9._-]");
    assertThat(proxy.snapshots()).isEmpty();
  }

  @Test
  void aSecondHelloOnOneStreamEndsIt() {
    TestProxy proxy = control.connectProxy().hello("edge-1").hello("edge-2");

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(proxyInfo("edge-1").getConnected()).isFalse();
  }

  @Test
  void messagesOfUnknownKindAfterTheHelloAreIgnored() {
    TestProxy proxy = control.connectProxy().hello("edge-1");

    proxy.send(ProxyMessage.getDefaultInstance());

    assertThat(proxy.closedWith()).isNull();
    assertThat(proxyInfo("edge-1").getConnected()).isTrue();
  }

  @Test
  void statsReportsOfConnectedProxiesAreSummedInPoolStatus() {
    addBackend("10.0.0.2:80");
    TestProxy first = control.connectProxy().hello("edge-1");
    TestProxy second = control.connectProxy().hello("edge-2");

    first.stats(
        report(
            stats("web", "10.0.0.1:80", 3, BackendHealth.HEALTHY),
            stats("web", "10.0.0.2:80", 0, BackendHealth.UNHEALTHY),
            stats("gone", "10.0.0.1:80", 50, BackendHealth.HEALTHY)));
    second.stats(report(stats("web", "10.0.0.1:80", 4, BackendHealth.HEALTHY)));

    await().until(() -> backendStatus(0).getActiveConnections() == 7);
    BackendStatus one = backendStatus(0);
    assertThat(one.getTotalConnections()).isEqualTo(70);
    assertThat(one.getConnectFailures()).isEqualTo(2);
    assertThat(one.getBytesToBackend()).isEqualTo(7000);
    assertThat(one.getBytesToClient()).isEqualTo(14000);
    assertThat(one.getHealthyProxies()).isEqualTo(2);
    assertThat(one.getUnhealthyProxies()).isZero();
    assertThat(backendStatus(1).getUnhealthyProxies()).isEqualTo(1);
    assertThat(proxyInfo("edge-1").hasLastReportAt()).isTrue();
  }

  @Test
  void onlyAProxysLatestReportCounts() {
    TestProxy proxy = control.connectProxy().hello("edge-1");

    proxy.stats(report(stats("web", "10.0.0.1:80", 3, BackendHealth.HEALTHY)));
    proxy.stats(report(stats("web", "10.0.0.1:80", 1, BackendHealth.HEALTHY)));

    await().until(() -> backendStatus(0).getActiveConnections() == 1);
    assertThat(backendStatus(0).getHealthyProxies()).isEqualTo(1);
  }

  @Test
  void aDisconnectedProxysStatsNoLongerCountButItStaysListed() {
    TestProxy leaving = control.connectProxy().hello("edge-1");
    TestProxy staying = control.connectProxy().hello("edge-2");
    leaving.stats(report(stats("web", "10.0.0.1:80", 3, BackendHealth.HEALTHY)));
    staying.stats(report(stats("web", "10.0.0.1:80", 4, BackendHealth.HEALTHY)));
    await().until(() -> backendStatus(0).getActiveConnections() == 7);

    leaving.cancel();

    await().until(() -> backendStatus(0).getActiveConnections() == 4);
    ProxyInfo gone = proxyInfo("edge-1");
    assertThat(gone.getConnected()).isFalse();
    assertThat(gone.hasDisconnectedAt()).isTrue();
  }

  @Test
  void proxiesDisconnectedForMoreThanAnHourAreNoLongerListed() {
    control.connectProxy().hello("edge-1").cancel();
    control.connectProxy().hello("edge-2");

    control.clock().advance(Duration.ofMinutes(59));
    assertThat(proxies()).extracting(ProxyInfo::getId).containsExactly("edge-1", "edge-2");

    control.clock().advance(Duration.ofMinutes(2));
    assertThat(proxies()).extracting(ProxyInfo::getId).containsExactly("edge-2");
  }

  @Test
  void aReconnectingProxyIsListedOnceAndConnected() {
    control.connectProxy().hello("edge-1").cancel();
    TestProxy again = control.connectProxy().hello("edge-1");

    await().until(() -> again.latest() != null);
    assertThat(proxies()).hasSize(1);
    assertThat(proxyInfo("edge-1").getConnected()).isTrue();
    assertThat(proxyInfo("edge-1").hasDisconnectedAt()).isFalse();
  }

  @Test
  void proxiesConnectingWhileChangesLandAllEndOnTheNewestVersion() throws Exception {
    int writers = 4;
    int poolsPerWriter = 10;
    int proxyCount = 12;
    List<TestProxy> connected = new CopyOnWriteArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(writers + 2);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        work.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < poolsPerWriter; i++) {
                    control
                        .admin()
                        .createPool(
                            CreatePoolRequest.newBuilder()
                                .setName("pool-" + writer + "-" + i)
                                .setListen(":" + (9000 + writer * 100 + i))
                                .build());
                  }
                }));
      }
      for (int p = 0; p < 2; p++) {
        int half = p;
        work.add(
            threads.submit(
                () -> {
                  for (int i = half; i < proxyCount; i += 2) {
                    connected.add(control.connectProxy().hello("edge-" + i).applyEverything());
                  }
                }));
      }
      for (Future<?> future : work) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    long newest = 2 + writers * poolsPerWriter;
    await().until(() -> connected.stream().allMatch(p -> latestVersion(p) == newest));
    assertThat(connected).hasSize(proxyCount).allMatch(p -> p.closedWith() == null);
    assertThat(proxies()).hasSize(proxyCount).allMatch(ProxyInfo::getConnected);
  }

  @Test
  void shuttingDownEndsProxyStreamsWithUnavailable() throws Exception {
    TestProxy proxy = control.connectProxy().hello("edge-1");

    control.close();

    await().until(() -> proxy.closedWith() != null);
    assertThat(proxy.closedWith().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  private void addBackend(String address) {
    control
        .admin()
        .addBackend(AddBackendRequest.newBuilder().setPool("web").setAddress(address).build());
  }

  private List<ProxyInfo> proxies() {
    return control.admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
  }

  private ProxyInfo proxyInfo(String id) {
    return proxies().stream().filter(p -> p.getId().equals(id)).findFirst().orElseThrow();
  }

  private BackendStatus backendStatus(int index) {
    return control
        .admin()
        .getPoolStatus(GetPoolStatusRequest.newBuilder().setName("web").build())
        .getBackends(index);
  }

  private static long latestVersion(TestProxy proxy) {
    ConfigSnapshot latest = proxy.latest();
    return latest == null ? -1 : latest.getVersion();
  }

  private static StatsReport report(BackendStats... backends) {
    return StatsReport.newBuilder().setConfigVersion(2).addAllBackends(List.of(backends)).build();
  }

  private static BackendStats stats(String pool, String address, long active, BackendHealth h) {
    return BackendStats.newBuilder()
        .setPool(pool)
        .setAddress(address)
        .setActiveConnections(active)
        .setTotalConnections(active * 10)
        .setConnectFailures(1)
        .setBytesToBackend(active * 1000)
        .setBytesToClient(active * 2000)
        .setHealth(h)
        .build();
  }
}
