package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the control plane records per proxy as it answers: sent, ACKed, applied, NACKed. */
class ApplyBookkeepingTest {
  private static final PoolApplyFailure BUSY =
      PoolApplyFailure.newBuilder()
          .setPool("web")
          .setListen("0.0.0.0:8080")
          .setReason("cannot listen on 0.0.0.0:8080: address already in use")
          .build();
  @TempDir Path dataDir;
  private InProcessControlPlane control;

  @BeforeEach
  void startWithOnePool() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void anAckRecordsTheVersionAsValidatedButNotYetApplied() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);

    proxy.ack(proxy.latest());

    await().until(() -> info("edge-1").getLastAckedVersion() == 2);
    ProxyInfo info = info("edge-1");
    assertThat(info.getLastSentVersion()).isEqualTo(2);
    assertThat(info.getLastAppliedVersion()).isEqualTo(1);
  }

  @Test
  void anApplyRecordsTheVersionInForceAndThePushLatencyFromItsAcceptance() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);
    control.clock().advance(Duration.ofMillis(40));
    proxy.ack(proxy.latest());
    control.clock().advance(Duration.ofMillis(210));

    proxy.applied(proxy.latest());

    await().until(() -> info("edge-1").getLastAppliedVersion() == 2);
    ProxyInfo info = info("edge-1");
    assertThat(info.getLastAckedVersion()).isEqualTo(2);
    assertThat(Durations.toMillis(info.getLastPushLatency())).isEqualTo(250);
    assertThat(info.getLastNackVersion()).isZero();
  }

  @Test
  void aNackAfterAnAckRecordsTheReasonAndKeepsTheVersionInForce() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);

    proxy
        .ack(proxy.latest())
        .nack(proxy.latest(), "pool web: cannot listen on 0.0.0.0:8080: address already in use");

    await().until(() -> info("edge-1").getLastNackVersion() == 2);
    ProxyInfo info = info("edge-1");
    assertThat(info.getLastNackReason())
        .isEqualTo("pool web: cannot listen on 0.0.0.0:8080: address already in use");
    assertThat(info.getLastAckedVersion()).as("it did validate").isEqualTo(2);
    assertThat(info.getLastAppliedVersion()).as("still the old one").isEqualTo(1);
    assertThat(info.hasLastPushLatency()).isFalse();
  }

  @Test
  void anApplyWithAFailedPoolRecordsTheVersionInForceAndThePool() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);

    proxy.ack(proxy.latest()).applied(proxy.latest(), BUSY);

    await().until(() -> info("edge-1").getLastAppliedVersion() == 2);
    assertThat(info("edge-1").getFailedPoolsList()).containsExactly(BUSY);
    assertThat(info("edge-1").getLastNackVersion()).as("not a rejection").isZero();
  }

  @Test
  void aPoolStatusForTheVersionInForceReplacesItsFailedPools() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);
    proxy.ack(proxy.latest()).applied(proxy.latest(), BUSY);
    await().until(() -> info("edge-1").getFailedPoolsCount() == 1);

    proxy.poolStatus(1, BUSY.toBuilder().setReason("stale").build()).poolStatus(2);

    await().until(() -> info("edge-1").getFailedPoolsCount() == 0);
    assertThat(proxy.closedWith()).isNull();
  }

  @Test
  void aPoolStatusForAnotherVersionIsIgnored() {
    TestProxy proxy = connected("edge-1");

    proxy.poolStatus(7, BUSY);
    proxy.poolStatus(1, BUSY.toBuilder().setReason("now").build());

    await().until(() -> info("edge-1").getFailedPoolsCount() == 1);
    assertThat(info("edge-1").getFailedPools(0).getReason()).isEqualTo("now");
  }

  @Test
  void anApplyWhoseNonceMatchesNoSendIsIgnored() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);

    proxy.applied(proxy.latest().toBuilder().setNonce("forged").build());
    proxy.applied(proxy.latest().toBuilder().setVersion(7).build());

    assertThat(info("edge-1").getLastAppliedVersion()).isEqualTo(1);
    assertThat(proxy.closedWith()).isNull();
  }

  @Test
  void anApplyAfterItsNackIsIgnored() {
    TestProxy proxy = connected("edge-1");
    addBackend("10.0.0.1:80");
    await().until(() -> latestVersion(proxy) == 2);
    ConfigSnapshot refused = proxy.latest();

    proxy.nack(refused, "no").applied(refused);

    await().until(() -> info("edge-1").getLastNackVersion() == 2);
    assertThat(info("edge-1").getLastAppliedVersion()).isEqualTo(1);
  }

  @Test
  void catchingUpAfterConnectingIsNotAPush() {
    addBackend("10.0.0.1:80");
    TestProxy proxy = control.connectProxy().hello("edge-1");
    await().until(() -> latestVersion(proxy) == 2);
    control.clock().advance(Duration.ofMinutes(5));

    proxy.ack(proxy.latest()).applied(proxy.latest());

    await().until(() -> info("edge-1").getLastAppliedVersion() == 2);
    assertThat(info("edge-1").hasLastPushLatency())
        .as("version 2 was accepted before the proxy connected")
        .isFalse();
  }

  @Test
  void aProxyConnectsRunningTheVersionItSaysItServes() {
    control
        .connectProxy()
        .hello(Hello.newBuilder().setProxyId("edge-1").setConfigVersion(1).build());

    ProxyInfo info = info("edge-1");
    assertThat(info.getLastAppliedVersion()).isEqualTo(1);
    assertThat(info.getLastAckedVersion()).isEqualTo(1);
  }

  /** A proxy that has applied the current version (1) and so is ready for the next. */
  private TestProxy connected(String id) {
    TestProxy proxy = control.connectProxy().hello(id);
    await().until(() -> latestVersion(proxy) == 1);
    proxy.ack(proxy.latest()).applied(proxy.latest());
    await().until(() -> info(id).getLastAppliedVersion() == 1);
    return proxy;
  }

  private void addBackend(String address) {
    control
        .admin()
        .addBackend(AddBackendRequest.newBuilder().setPool("web").setAddress(address).build());
  }

  private ProxyInfo info(String id) {
    return control
        .admin()
        .listProxies(ListProxiesRequest.getDefaultInstance())
        .getProxiesList()
        .stream()
        .filter(p -> p.getId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static long latestVersion(TestProxy proxy) {
    ConfigSnapshot latest = proxy.latest();
    return latest == null ? -1 : latest.getVersion();
  }
}
