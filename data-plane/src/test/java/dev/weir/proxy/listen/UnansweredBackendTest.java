package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.OutlierDetection;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.SilentBackend;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A backend that accepts connections but never answers, behind real listeners: without an active
 * health check only the pool's response timeout notices it.
 */
@Timeout(60)
class UnansweredBackendTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aBackendThatNeverAnswersIsEjectedAndNewConnectionsGoToTheOther(Transport transport)
      throws Exception {
    EchoBackend live = resources.add(new EchoBackend("live"));
    SilentBackend silent = resources.add(new SilentBackend());
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(silent.address()))
                .addBackends(active(live.address()))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setOutlierDetection(
                            OutlierDetection.newBuilder()
                                .setConsecutiveFailures(2)
                                .setResponseTimeout(Duration.newBuilder().setSeconds(1))))));

    // Round robin sends two of four requests to the silent backend; their clients wait on.
    for (int i = 0; i < 4; i++) {
      resources.add(TestClient.connect(port)).send("GET / HTTP/1.1\r\n\r\n");
    }

    await("new connections to reach the live backend only")
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 10; i++) {
                assertThat(greeting(port)).as("connection %d", i).isEqualTo("live");
              }
            });
    assertThat(proxy.stats("web", silent.address()).getHealth()).isEqualTo(BackendHealth.EJECTED);
  }

  /** What a new connection through the proxy is greeted with within a second, or "nothing". */
  private static String greeting(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(1_000);
      byte[] line = socket.getInputStream().readNBytes("live\n".length());
      return new String(line, StandardCharsets.US_ASCII).strip();
    } catch (SocketTimeoutException e) {
      return "nothing";
    }
  }
}
