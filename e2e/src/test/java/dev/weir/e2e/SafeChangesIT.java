package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.e2e.Fleet.CliResult;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes an operator did not mean: a file that would empty the fleet, a stale file that would undo
 * a newer change, and two proxies given one id.
 */
class SafeChangesIT {
  private static final Duration WITHIN = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Fleet fleet;

  @BeforeEach
  void startControlPlaneWithTwoPools() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + Fleet.freePortOn("127.0.0.1"),
            "--backend",
            "127.0.0.1:8001")
        .assertOk();
    fleet
        .weirctl(
            "pool",
            "create",
            "api",
            "--listen",
            ":" + Fleet.freePortOn("127.0.0.1"),
            "--backend",
            "127.0.0.1:9001")
        .assertOk();
  }

  @AfterEach
  void stop() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void importOfEmptyBracesIsRefusedAndDeletesNothing() throws Exception {
    Path braces = Files.writeString(dir.resolve("empty.json"), "{}");

    CliResult dryRun = fleet.weirctl("import", "-f", braces.toString(), "--dry-run");
    CliResult real = fleet.weirctl("import", "-f", braces.toString());

    for (CliResult result : List.of(dryRun, real)) {
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr())
          .contains("has no \"pools\" key", "{\"configVersion\": N, " + "\"pools\": [");
    }
    assertThat(poolNames()).containsExactly("api", "web");
  }

  @Test
  void importOfNoPoolsNeedsDeleteAll() throws Exception {
    Path none = Files.writeString(dir.resolve("none.json"), "{\"pools\": []}");

    CliResult dryRun = fleet.weirctl("import", "-f", none.toString(), "--dry-run");
    CliResult refused = fleet.weirctl("import", "-f", none.toString());

    for (CliResult result : List.of(dryRun, refused)) {
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr()).contains("would delete every pool (api, web)", "--delete-all");
    }
    assertThat(poolNames()).containsExactly("api", "web");

    fleet.weirctl("import", "-f", none.toString(), "--delete-all").assertOk();
    assertThat(poolNames()).isEmpty();
  }

  @Test
  void applyOfAStaleFileIsRefusedNamingBothVersionsAndThePoolUnlessForced() throws Exception {
    Path stale = dir.resolve("web.yaml");
    Files.writeString(stale, fleet.weirctl("get", "web", "-o", "yaml").assertOk().stdout());
    fleet.weirctl("backend", "add", "web", "127.0.0.1:8002").assertOk();

    CliResult dryRun = fleet.weirctl("apply", "-f", stale.toString(), "--dry-run");
    CliResult refused = fleet.weirctl("apply", "-f", stale.toString());

    for (CliResult result : List.of(dryRun, refused)) {
      assertThat(result.exitCode()).isEqualTo(1);
      assertThat(result.stderr())
          .contains(
              "read at config version 2",
              "configuration is at version 3",
              "pool web was changed since",
              "--force");
    }
    assertThat(backendsOf("web")).containsExactly("127.0.0.1:8001", "127.0.0.1:8002");

    fleet.weirctl("apply", "-f", stale.toString(), "--force").assertOk();
    assertThat(backendsOf("web")).containsExactly("127.0.0.1:8001");
  }

  @Test
  void aSecondProxyWithTheSameIdFromAnotherAddressIsRefusedAndTheFirstStays() throws Exception {
    fleet.startProxy("web-1", "127.0.0.1");
    fleet.awaitAllAcked("web-1");
    ProxyInfo first = onlyProxy();
    assertThat(first.getAddress()).startsWith("127.0.0.1:");

    try (SourceAddressRelay otherHost =
        new SourceAddressRelay(
            new InetSocketAddress("127.0.0.1", fleet.controlPort()), "127.0.0.2")) {
      RunningProgram second =
          fleet.launch(
              "web-1-again",
              "weir-proxy",
              List.of(
                  "--control-plane",
                  "127.0.0.1:" + otherHost.port(),
                  "--id",
                  "web-1",
                  "--bind-address",
                  "127.0.0.2",
                  "--event-loops",
                  "1",
                  "--state-dir",
                  dir.resolve("other-host-state").toString()));

      second.awaitLine(
          Pattern.compile(
              "refused this proxy \\(ALREADY_EXISTS: proxy id web-1 "
                  + "is already connected from 127\\.0\\.0\\.1:\\d+; this stream comes from "
                  + "127\\.0\\.0\\.2:\\d+; give each proxy its own --id\\)"),
          WITHIN);
      // It keeps retrying; the first proxy's stream stays, and the refusal is logged once.
      await("the first proxy to keep its stream while the second retries")
          .during(Duration.ofSeconds(3))
          .atMost(Duration.ofSeconds(10))
          .until(() -> sameStream(onlyProxy(), first));
      assertThat(second.isAlive()).isTrue();
      assertThat(second.output())
          .filteredOn(line -> line.contains("refused this proxy"))
          .hasSize(1);
    }
  }

  private static boolean sameStream(ProxyInfo now, ProxyInfo before) {
    return now.getConnected()
        && now.getAddress().equals(before.getAddress())
        && now.getConnectedSince().equals(before.getConnectedSince());
  }

  private ProxyInfo onlyProxy() {
    List<ProxyInfo> proxies =
        fleet.admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
    assertThat(proxies).hasSize(1);
    return proxies.get(0);
  }

  private List<String> poolNames() {
    return fleet.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList().stream()
        .map(Pool::getName)
        .toList();
  }

  private List<String> backendsOf(String pool) {
    return fleet.admin().listPools(ListPoolsRequest.getDefaultInstance()).getPoolsList().stream()
        .filter(p -> p.getName().equals(pool))
        .flatMap(p -> p.getBackendsList().stream())
        .map(b -> b.getAddress())
        .toList();
  }
}
