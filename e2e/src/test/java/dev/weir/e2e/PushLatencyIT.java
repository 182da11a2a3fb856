package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Durations;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ProxyApplyStatus;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import dev.weir.e2e.Fleet.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A change made with weirctl reaches three real proxies, and the control plane times it. */
class PushLatencyIT {

  private static final List<String> PROXIES = List.of("edge-2", "edge-3", "edge-4");

  @TempDir Path dir;
  private Fleet fleet;
  private Backend backend;

  @BeforeEach
  void startThreeProxiesWithAPool() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    for (int i = 0; i < PROXIES.size(); i++) {
      fleet.startProxy(PROXIES.get(i), "127.0.0." + (i + 2));
    }
    backend = fleet.startBackend("b1");
    int port = Fleet.freePortOn("127.0.0.2", "127.0.0.3", "127.0.0.4");
    fleet
        .weirctl("pool", "create", "web", "--listen", ":" + port, "--backend", backend.address())
        .assertOk();
    fleet.awaitAllAcked(PROXIES.toArray(String[]::new));
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aChangeAppliedOnThreeProxiesHasItsPushLatencyRecordedForEach() throws Exception {
    fleet.weirctl("backend", "weight", "web", backend.address(), "7").assertOk();
    long version =
        fleet.admin().listPools(ListPoolsRequest.getDefaultInstance()).getConfigVersion();

    WaitForAppliedResponse wait =
        fleet
            .admin(Duration.ofSeconds(40))
            .waitForApplied(
                WaitForAppliedRequest.newBuilder()
                    .setConfigVersion(version)
                    .setTimeout(Durations.fromSeconds(30))
                    .build());

    assertThat(wait.getComplete()).isTrue();
    assertThat(Durations.toNanos(wait.getElapsed())).isPositive();
    assertThat(wait.getProxiesList())
        .extracting(ProxyApplyStatus::getProxyId)
        .containsExactlyElementsOf(PROXIES);
    assertThat(wait.getProxiesList())
        .allSatisfy(
            status -> {
              assertThat(status.getAppliedVersion()).isEqualTo(version);
              assertThat(Durations.toNanos(status.getPushLatency())).isPositive();
            });
    List<ProxyInfo> proxies =
        fleet.admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
    assertThat(proxies).extracting(ProxyInfo::getId).containsExactlyElementsOf(PROXIES);
    assertThat(proxies)
        .allSatisfy(
            proxy -> {
              assertThat(proxy.getLastAppliedVersion()).as(proxy.getId()).isEqualTo(version);
              assertThat(Durations.toNanos(proxy.getLastPushLatency()))
                  .as(proxy.getId())
                  .isPositive();
              assertThat(Durations.toNanos(proxy.getLastPushLatency()))
                  .as("%s: the fleet is done when its slowest proxy is", proxy.getId())
                  .isLessThanOrEqualTo(Durations.toNanos(wait.getElapsed()));
            });
    String table = fleet.weirctl("proxies").assertOk().stdout();
    assertThat(table.lines().findFirst().orElseThrow()).contains("APPLIED", "PUSH");
  }
}
