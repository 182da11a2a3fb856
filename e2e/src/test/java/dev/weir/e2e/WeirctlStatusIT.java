package dev.weir.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import dev.weir.api.v1.FleetEvent;
import dev.weir.e2e.Fleet.Backend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * weirctl status and watch as operators run them: the packaged CLI against weir-control with a real
 * proxy, so the JSON output and the Watch stream are checked end to end.
 */
class WeirctlStatusIT {

  private static final String PROXY = "127.0.0.2";
  private static final Duration EVENT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;
  private Fleet fleet;
  private Backend kept;
  private Backend drained;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy-a", PROXY);
    kept = fleet.startBackend("b1");
    drained = fleet.startBackend("b2");
    int poolPort = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            kept.address(),
            "--backend",
            drained.address())
        .assertOk();
    fleet.awaitAllAcked("proxy-a");
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void statusShowsThePoolItsBackendsAndTheCurrentProxy() throws Exception {
    String table = fleet.weirctl("status").assertOk().stdout();
    String json = fleet.weirctl("status", "-o", "json").assertOk().stdout();

    assertThat(table)
        .containsPattern("config version 1, proxies 1/1 connected")
        .containsPattern("(?m)^Pool web  listen :\\d+  round-robin$")
        .containsPattern("(?m)^" + Pattern.quote(kept.address()) + " +1 +active ")
        .containsPattern("(?m)^proxy-a +connected +\\S+ +1 +0 ");
    assertThat(json)
        .contains("\"configVersion\": 1,", "\"proxiesConnected\": 1", "\"name\": \"web\"")
        .containsPattern("\"versionsBehind\": 0");
  }

  @Test
  void watchPrintsTheDrainAndItsApplyAndExitsWith3WhenTheControlPlaneStops() throws Exception {
    RunningProgram watch = fleet.startWeirctl("weirctl-watch", "watch", "-o", "json");
    // A change made before the stream is open is not seen, and the control plane sends nothing
    // on connect: re-weight the kept backend until the watcher prints a revision.
    int[] weight = {1};
    await("watch to print a revision")
        .atMost(EVENT_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              fleet
                  .weirctl("backend", "weight", "web", kept.address(), "" + ++weight[0])
                  .assertOk();
              return watch.output().stream().anyMatch(line -> line.contains("SetBackendWeight"));
            });

    fleet.weirctl("backend", "drain", "web", drained.address()).assertOk();

    String version =
        watch.awaitLine(Pattern.compile("\"version\":(\\d+),[^}]*DrainBackend"), EVENT_TIMEOUT);
    watch.awaitLine(
        Pattern.compile(
            "\"kind\":\"APPLIED\",\"proxyId\":\"proxy-a\",\"configVersion\":" + version + "\\b"),
        EVENT_TIMEOUT);

    for (String line : watch.output()) {
      FleetEvent.Builder event = FleetEvent.newBuilder();
      JsonFormat.parser().merge(line, event);
      assertThat(event.getKindCase()).isNotEqualTo(FleetEvent.KindCase.KIND_NOT_SET);
    }

    fleet.control().close();
    assertThat(watch.awaitExit(EVENT_TIMEOUT)).isEqualTo(3);
  }
}
