package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.e2e.Fleet.Backend;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a pool spreads connections, against real processes: weir-control, one weir-proxy on 127.0.0.2
 * and two echo backends, with pools made by weirctl as a user would.
 */
class BalancingIT {

  private static final String PROXY = "127.0.0.2";

  @TempDir Path dir;
  private Fleet fleet;
  private Backend a;
  private Backend b;
  private int poolPort;

  @BeforeEach
  void startFleet() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("edge-1", PROXY);
    a = fleet.startBackend("a");
    b = fleet.startBackend("b");
    poolPort = Fleet.freePortOn(PROXY);
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aPoolWithTheDefaultAlgorithmSplitsConnectionsByWeight() throws Exception {
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            a.address() + "=3",
            "--backend",
            b.address() + "=1")
        .assertOk();
    fleet.awaitAllAcked("edge-1");

    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40; i++) {
      counts.merge(backendOf(PROXY, poolPort), 1, Integer::sum);
    }

    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 30, "b", 10));
  }

  @Test
  void aStoppedBackendIsEjectedByTheResponseTimeoutWithoutAHealthCheck() throws Exception {
    fleet
        .weirctl(
            "pool",
            "create",
            "web",
            "--listen",
            ":" + poolPort,
            "--backend",
            a.address(),
            "--backend",
            b.address(),
            "--response-timeout",
            "1s",
            "--outlier-failures",
            "2")
        .assertOk();
    fleet.awaitAllAcked("edge-1");
    assertThat(fleet.weirctl("pool", "show", "web").assertOk().stdout())
        .contains("response timeout 1s");

    List<Socket> waiting = new ArrayList<>();
    signal("STOP", b);
    try {
      // Its kernel still accepts connections; two of these four reach it and wait on.
      for (int i = 0; i < 4; i++) {
        Socket socket = new Socket(PROXY, poolPort);
        waiting.add(socket);
        socket.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
      }

      await("new connections to reach the running backend only")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                for (int i = 0; i < 10; i++) {
                  assertThat(greeting()).as("connection %d", i).isEqualTo("a");
                }
              });
      assertThat(fleet.program("edge-1").output())
          .anyMatch(line -> line.contains("ejecting backend " + b.address()));
    } finally {
      signal("CONT", b);
      for (Socket socket : waiting) {
        socket.close();
      }
    }
  }

  /** The name a new connection through the proxy is greeted with within a second, or "". */
  private String greeting() throws IOException {
    try (Socket socket = new Socket(PROXY, poolPort)) {
      socket.setSoTimeout(1_000);
      return new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
    } catch (SocketTimeoutException e) {
      return "";
    }
  }

  private static void signal(String signal, Backend backend) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, String.valueOf(backend.program().pid()))
            .inheritIO()
            .start();
    assertThat(kill.waitFor()).as("kill -%s %s", signal, backend.program()).isZero();
  }
}
