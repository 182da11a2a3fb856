package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.util.Durations;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WaitForAppliedTest {
  @TempDir Path dataDir;
  private InProcessControlPlane control;
  private TestProxy a;
  private TestProxy b;
  private TestProxy c;

  /** Three proxies that have applied version 1, and version 2 just accepted. */
  @BeforeEach
  void startThreeProxiesAndMakeAChange() throws Exception {
    control = new InProcessControlPlane(dataDir);
    control
        .admin()
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    a = upToDate("edge-a");
    b = upToDate("edge-b");
    c = upToDate("edge-c");
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    await().until(() -> List.of(a, b, c).stream().allMatch(p -> latestVersion(p) == 2));
  }

  @AfterEach
  void stop() throws Exception {
    control.close();
  }

  @Test
  void completesTheMomentTheLastOfThreeProxiesApplies() throws Exception {
    ListenableFuture<WaitForAppliedResponse> wait = waitFor(2, Duration.ofSeconds(30));
    control.clock().advance(Duration.ofMillis(100));
    apply(a);
    apply(b);
    assertThat(wait.isDone()).as("edge-c has not applied it").isFalse();
    control.clock().advance(Duration.ofMillis(200));

    apply(c);

    WaitForAppliedResponse response = wait.get(5, TimeUnit.SECONDS);
    assertThat(response.getComplete()).isTrue();
    assertThat(Durations.toMillis(response.getElapsed())).isEqualTo(300);
    assertThat(response.getProxiesList())
        .extracting(ProxyApplyStatus::getProxyId)
        .containsExactly("edge-a", "edge-b", "edge-c");
    assertThat(response.getProxiesList())
        .extracting(ProxyApplyStatus::getAppliedVersion)
        .containsOnly(2L);
    assertThat(response.getProxiesList())
        .extracting(s -> Durations.toMillis(s.getPushLatency()))
        .containsExactly(100L, 100L, 300L);
  }

  @Test
  void timesOutIncompleteAndShowsWhichProxyIsBehind() throws Exception {
    apply(a);
    apply(b);
    control.clock().advance(Duration.ofSeconds(2));

    WaitForAppliedResponse response = waitFor(2, Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);

    assertThat(response.getComplete()).isFalse();
    assertThat(Durations.toMillis(response.getElapsed())).as("so far").isEqualTo(2000);
    ProxyApplyStatus laggard = status(response, "edge-c");
    assertThat(laggard.getAppliedVersion()).isEqualTo(1);
    assertThat(laggard.hasPushLatency()).isFalse();
    assertThat(laggard.getNackReason()).isEmpty();
    assertThat(status(response, "edge-a").getAppliedVersion()).isEqualTo(2);
  }

  @Test
  void aProxyThatRefusedTheVersionIsShownWithItsReason() throws Exception {
    apply(a);
    apply(b);
    c.nack(c.latest(), "pool web: cannot listen on :8080: address already in use");
    await()
        .until(
            () ->
                control
                    .admin()
                    .listProxies(ListProxiesRequest.getDefaultInstance())
                    .getProxiesList()
                    .stream()
                    .anyMatch(p -> p.getLastNackVersion() == 2));

    WaitForAppliedResponse response = waitFor(2, Duration.ofMillis(100)).get(5, TimeUnit.SECONDS);

    assertThat(response.getComplete()).isFalse();
    assertThat(status(response, "edge-c").getNackReason())
        .isEqualTo("pool web: cannot listen on :8080: address already in use");
  }

  @Test
  void aProxyWithAFailedPoolCompletesTheWaitAtOnceAndIsShownWithThePool() throws Exception {
    ListenableFuture<WaitForAppliedResponse> wait = waitFor(2, Duration.ofSeconds(30));
    apply(a);
    apply(b);
    PoolApplyFailure busy =
        PoolApplyFailure.newBuilder()
            .setPool("web")
            .setListen("0.0.0.0:8080")
            .setReason("cannot listen on 0.0.0.0:8080: in use")
            .build();

    c.ack(c.latest()).applied(c.latest(), busy);

    WaitForAppliedResponse response = wait.get(5, TimeUnit.SECONDS);
    assertThat(response.getComplete()).isTrue();
    assertThat(status(response, "edge-c").getFailedPoolsList()).containsExactly(busy);
    assertThat(status(response, "edge-a").getFailedPoolsList()).isEmpty();
  }

  @Test
  void answersAtOnceWhenEveryProxyHasTheVersionAlready() throws Exception {
    apply(a);
    apply(b);
    apply(c);

    WaitForAppliedResponse response = waitFor(1, Duration.ofSeconds(30)).get(5, TimeUnit.SECONDS);

    assertThat(response.getComplete()).isTrue();
    assertThat(response.getProxiesList())
        .extracting(ProxyApplyStatus::getAppliedVersion)
        .containsOnly(2L);
  }

  @Test
  void aProxyThatDisconnectsNoLongerHoldsTheVersionBack() throws Exception {
    ListenableFuture<WaitForAppliedResponse> wait = waitFor(2, Duration.ofSeconds(30));
    apply(a);
    apply(b);

    c.cancel();

    WaitForAppliedResponse response = wait.get(5, TimeUnit.SECONDS);
    assertThat(response.getComplete()).isTrue();
    assertThat(response.getProxiesList())
        .extracting(ProxyApplyStatus::getProxyId)
        .containsExactly("edge-a", "edge-b");
  }

  @Test
  void aProxyThatConnectsWhileOthersAreBehindMustApplyTooBeforeItCompletes() throws Exception {
    ListenableFuture<WaitForAppliedResponse> wait = waitFor(2, Duration.ofSeconds(30));
    TestProxy late = control.connectProxy().hello("edge-d");
    await().until(() -> latestVersion(late) == 2);
    apply(a);
    apply(b);
    apply(c);
    assertThat(wait.isDone()).isFalse();

    apply(late);

    assertThat(wait.get(5, TimeUnit.SECONDS).getComplete()).isTrue();
  }

  @Test
  void aCallerThatGivesUpIsAnsweredNothingAndTheFleetCarriesOn() {
    assertThatThrownBy(
            () ->
                AdminServiceGrpc.newBlockingStub(control.channel())
                    .withDeadlineAfter(100, TimeUnit.MILLISECONDS)
                    .waitForApplied(request(2, Duration.ofSeconds(30))))
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e).getCode())
                    .isEqualTo(Status.Code.DEADLINE_EXCEEDED));

    apply(a);
    apply(b);
    apply(c);

    assertThat(a.closedWith()).isNull();
  }

  @Test
  void versionsThatDoNotExistAndTimeoutsOverTenMinutesAreRefusedNamingTheField() {
    assertInvalid(
        request(0, Duration.ofSeconds(1)), "config_version must be 1..2 (the newest), got 0");
    assertInvalid(
        request(3, Duration.ofSeconds(1)), "config_version must be 1..2 (the newest), got 3");
    assertInvalid(
        request(2, Duration.ofMinutes(10).plusMillis(1)),
        "timeout must be 0..10m (0 or unset: 30s), got 600.001s");
    assertInvalid(
        request(2, Duration.ofSeconds(-1)), "timeout must be 0..10m (0 or unset: 30s), got -1s");
  }

  private void assertInvalid(WaitForAppliedRequest request, String description) {
    assertThatThrownBy(() -> control.admin().waitForApplied(request))
        .satisfies(
            e -> {
              Status status = Status.fromThrowable(e);
              assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(status.getDescription()).isEqualTo(description);
            });
  }

  private TestProxy upToDate(String id) {
    TestProxy proxy = control.connectProxy().hello(id);
    await().until(() -> latestVersion(proxy) == 1);
    apply(proxy);
    return proxy;
  }

  private static void apply(TestProxy proxy) {
    proxy.ack(proxy.latest()).applied(proxy.latest());
  }

  private ListenableFuture<WaitForAppliedResponse> waitFor(long version, Duration timeout) {
    return AdminServiceGrpc.newFutureStub(control.channel())
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .waitForApplied(request(version, timeout));
  }

  private static WaitForAppliedRequest request(long version, Duration timeout) {
    return WaitForAppliedRequest.newBuilder()
        .setConfigVersion(version)
        .setTimeout(Durations.fromNanos(timeout.toNanos()))
        .build();
  }

  private static ProxyApplyStatus status(WaitForAppliedResponse response, String id) {
    return response.getProxiesList().stream()
        .filter(s -> s.getProxyId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  private static long latestVersion(TestProxy proxy) {
    ConfigSnapshot latest = proxy.latest();
    return latest == null ? -1 : latest.getVersion();
  }
}
