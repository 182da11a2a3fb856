package dev.weir.control.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.control.testing.InProcessControlPlane;
import dev.weir.control.testing.TestProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bursts of edits reach each proxy as few snapshots, while a lone edit goes out at once. */
class CoalescingTest {
  // Well below the 5 s answer timeout: what arrives within it was not held back by one.
  private static final Duration PROMPTLY = Duration.ofSeconds(1);

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
  void anIsolatedEditReachesAProxyThatHasAnsweredEverythingAtOnce() {
    TestProxy proxy = control.connectProxy().hello("edge-1").applyEverything();
    await().until(() -> latestVersion(proxy) == 1);

    addBackend(1);

    await().atMost(PROMPTLY).until(() -> latestVersion(proxy) == 2);
  }

  @Test
  void aBurstOfEditsToAProxyThatHasNotAnsweredYetArrivesAsFewSnapshotsEndingWithTheNewest() {
    TestProxy slow = control.connectProxy().hello("edge-1");
    await().until(() -> latestVersion(slow) == 1);
    slow.ack(slow.latest()).applied(slow.latest());

    for (int i = 1; i <= 100; i++) {
      addBackend(i);
    }
    // The first edit went out at once; the other 99 wait for the proxy's answer to it.
    assertThat(versions(slow)).containsExactly(1L, 2L);

    slow.ack(slow.latest());

    await().atMost(PROMPTLY).until(() -> latestVersion(slow) == 101);
    assertThat(versions(slow)).containsExactly(1L, 2L, 101L);
  }

  @Test
  void aBurstReachesAProxyThatAnswersEverythingWithTheNewestLast() {
    TestProxy proxy = control.connectProxy().hello("edge-1").applyEverything();
    await().until(() -> latestVersion(proxy) == 1);

    for (int i = 1; i <= 100; i++) {
      addBackend(i);
    }

    await().atMost(PROMPTLY).until(() -> latestVersion(proxy) == 101);
    assertThat(versions(proxy)).isSorted().doesNotHaveDuplicates();
  }

  private void addBackend(int i) {
    control
        .admin()
        .addBackend(
            AddBackendRequest.newBuilder()
                .setPool("web")
                .setAddress("10.0." + (i / 250) + "." + (i % 250 + 1) + ":80")
                .build());
  }

  private static List<Long> versions(TestProxy proxy) {
    return proxy.snapshots().stream().map(ConfigSnapshot::getVersion).toList();
  }

  private static long latestVersion(TestProxy proxy) {
    ConfigSnapshot latest = proxy.latest();
    return latest == null ? -1 : latest.getVersion();
  }
}
