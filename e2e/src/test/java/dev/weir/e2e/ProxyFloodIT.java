package dev.weir.e2e;

import static dev.weir.e2e.Fleet.backendOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.e2e.Fleet.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy on a host with a low open-file limit, flooded with more connections than it may hold: its
 * default --max-connections keeps it clear of EMFILE, the excess is reset and counted, the log
 * stays a few lines long, and it still relays afterwards.
 */
class ProxyFloodIT {

  private static final String PROXY = "127.0.0.9";
  private static final int OPEN_FILES = 512;
  private static final int FLOOD = 2_000;
  private static final Pattern REFUSED =
      Pattern.compile("(?m)^weir_proxy_refused_connections_total (\\d+)");

  @TempDir Path dir;
  private Fleet fleet;
  private final List<Socket> flood = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : flood) {
      socket.close();
    }
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void aFloodAtALowOpenFileLimitIsRefusedAndCountedWithoutEmfileOrALongLog() throws Exception {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    Backend backend = fleet.startBackend("b1");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl("pool", "create", "web", "--listen", ":" + port, "--backend", backend.address())
        .assertOk();
    int metricsPort = Fleet.freePortOn("127.0.0.1");
    RunningProgram proxy =
        fleet.launchWithOpenFileLimit(
            "edge",
            "weir-proxy",
            OPEN_FILES,
            List.of(
                "--control-plane",
                "127.0.0.1:" + fleet.controlPort(),
                "--id",
                "edge",
                "--bind-address",
                PROXY,
                "--state-dir",
                dir.resolve("state").toString(),
                "--metrics",
                "127.0.0.1:" + metricsPort));
    fleet.awaitAllAcked("edge");
    assertThat(backendOf(PROXY, port)).isEqualTo("b1");
    int linesBefore = proxy.output().size();

    for (int i = 0; i < FLOOD; i++) {
      Socket socket = new Socket();
      flood.add(socket);
      try {
        socket.connect(new InetSocketAddress(PROXY, port), 2_000);
      } catch (IOException e) {
        // Refused or timed out: the proxy is shedding, as it should.
      }
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> refused(metricsPort) > 0);
    for (Socket socket : flood) {
      socket.close();
    }
    flood.clear();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(backendOf(PROXY, port)).isEqualTo("b1"));
    List<String> log = proxy.output().subList(linesBefore, proxy.output().size());
    assertThat(log).noneMatch(line -> line.contains("Too many open files"));
    assertThat(log).noneMatch(line -> line.startsWith("\tat "));
    assertThat(log).hasSizeLessThan(20);
  }

  private static long refused(int metricsPort) throws Exception {
    String body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher matcher = REFUSED.matcher(body);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
  }
}
