package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.HealthCheck;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.HttpStatusBackend;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Active health checks of a pool served by real listeners, probing real backends. */
@Timeout(60)
class HealthCheckedPoolTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  /** Probes every 50 ms; two results in a row decide. */
  private static PoolSettings.Builder checks(HealthCheck.Kind kind) {
    return PoolSettings.newBuilder()
        .setHealthCheck(
            HealthCheck.newBuilder()
                .setKind(kind)
                .setInterval(Duration.newBuilder().setNanos(50_000_000))
                .setRise(2)
                .setFall(2)
                .setHttpPath("/healthz"));
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void tcpChecksReportAListeningBackendHealthyAndOneWithNothingListeningUnhealthy(
      Transport transport) throws Exception {
    EchoBackend live = resources.add(new EchoBackend("live"));
    String dead = "127.0.0.1:" + FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));

    proxy.apply(
        config(
            1,
            pool("web", FreePort.find(), ROUND_ROBIN)
                .addBackends(active(live.address()))
                .addBackends(active(dead))
                .setSettings(checks(HealthCheck.Kind.TCP))));

    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.stats("web", live.address()).getHealth())
                  .isEqualTo(BackendHealth.HEALTHY);
              assertThat(proxy.stats("web", dead).getHealth()).isEqualTo(BackendHealth.UNHEALTHY);
            });
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void httpChecksFollowTheStatusEachBackendAnswers(Transport transport) throws Exception {
    HttpStatusBackend ok = resources.add(new HttpStatusBackend("ok", 200));
    HttpStatusBackend failing = resources.add(new HttpStatusBackend("failing", 503));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));

    proxy.apply(
        config(
            1,
            pool("web", FreePort.find(), ROUND_ROBIN)
                .addBackends(active(ok.address()))
                .addBackends(active(failing.address()))
                .setSettings(checks(HealthCheck.Kind.HTTP))));

    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.stats("web", ok.address()).getHealth())
                  .isEqualTo(BackendHealth.HEALTHY);
              assertThat(proxy.stats("web", failing.address()).getHealth())
                  .isEqualTo(BackendHealth.UNHEALTHY);
            });
    assertThat(ok.requests()).first().asString().startsWith("GET /healthz HTTP/1.1\r\n");

    ok.status(503);
    failing.status(200);

    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.stats("web", ok.address()).getHealth())
                  .isEqualTo(BackendHealth.UNHEALTHY);
              assertThat(proxy.stats("web", failing.address()).getHealth())
                  .isEqualTo(BackendHealth.HEALTHY);
            });
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aBackendThatFailsItsChecksGetsNoNewConnections(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = new EchoBackend("b");
    resources.add(b);
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(a.address()))
                .addBackends(active(b.address()))
                .setSettings(checks(HealthCheck.Kind.TCP))));
    await().until(() -> proxy.stats("web", b.address()).getHealth() == BackendHealth.HEALTHY);

    b.close();
    await().until(() -> proxy.stats("web", b.address()).getHealth() == BackendHealth.UNHEALTHY);

    for (int i = 0; i < 10; i++) {
      try (TestClient client = TestClient.connect(port)) {
        assertThat(client.readLine()).isEqualTo("a");
      }
    }
    assertThat(proxy.stats("web", b.address()).getConnectFailures())
        .as("the proxy never tried b")
        .isZero();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void whenEveryBackendFailsItsChecksThePoolFailsOpenAndStillRelays(Transport transport)
      throws Exception {
    HttpStatusBackend x = resources.add(new HttpStatusBackend("x", 503));
    HttpStatusBackend y = resources.add(new HttpStatusBackend("y", 503));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(x.address()))
                .addBackends(active(y.address()))
                .setSettings(checks(HealthCheck.Kind.HTTP))));
    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.stats("web", x.address()).getHealth())
                  .isEqualTo(BackendHealth.UNHEALTHY);
              assertThat(proxy.stats("web", y.address()).getHealth())
                  .isEqualTo(BackendHealth.UNHEALTHY);
            });

    Set<String> reached = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      try (TestClient client = TestClient.connect(port)) {
        client.send("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        String response = client.readToEnd();
        assertThat(response).startsWith("HTTP/1.1 503 ");
        reached.add(response.substring(response.lastIndexOf("\r\n\r\n") + 4).trim());
      }
    }

    assertThat(reached).containsExactlyInAnyOrder("x", "y");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void removingThePoolStopsItsChecks(Transport transport) throws Exception {
    HttpStatusBackend backend = resources.add(new HttpStatusBackend("ok", 200));
    EchoBackend other = resources.add(new EchoBackend("other"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int webPort = FreePort.find();
    int apiPort = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", webPort, ROUND_ROBIN)
                .addBackends(active(backend.address()))
                .setSettings(checks(HealthCheck.Kind.HTTP)),
            pool("api", apiPort, ROUND_ROBIN).addBackends(active(other.address()))));
    await().until(() -> backend.requests().size() >= 2);

    proxy.apply(config(2, pool("api", apiPort, ROUND_ROBIN).addBackends(active(other.address()))));

    // A probe already on its way may still land; after that, none for good.
    AtomicInteger seen = new AtomicInteger(-1);
    await()
        .during(java.time.Duration.ofMillis(500))
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> seen.getAndSet(backend.requests().size()) == backend.requests().size());
  }
}
