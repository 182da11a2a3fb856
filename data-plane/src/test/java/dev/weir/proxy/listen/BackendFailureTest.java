package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A backend dying under load costs new client connections nothing while another one lives. */
@Timeout(60)
class BackendFailureTest {

  private static final int CLIENTS = 4;
  private static final int CONNECTIONS_AFTER_KILL = 400;

  private final Resources resources = new Resources();
  private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);

  @AfterEach
  void closeEverything() throws Exception {
    threads.shutdownNow();
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void killingABackendUnderSteadyLoadFailsNoNewConnection(Transport transport) throws Exception {
    EchoBackend survivor = resources.add(new EchoBackend("survivor"));
    EchoBackend victim = new EchoBackend("victim");
    resources.add(victim);
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(victim.address()))
                .addBackends(active(survivor.address()))));

    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger afterKill = new AtomicInteger();
    AtomicInteger failedAfterKill = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<?>> load = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      load.add(
          threads.submit(
              () -> {
                while (afterKill.get() < CONNECTIONS_AFTER_KILL) {
                  // Only connections begun after the kill count: one open to the victim at that
                  // moment
                  // is lost with it, as it would be without a proxy.
                  boolean startedAfterKill = killed.get();
                  try (TestClient client = TestClient.connect(port)) {
                    client.readLine();
                    client.send("ping");
                    if (!new String(client.readExactly(4), US_ASCII).equals("ping")) {
                      throw new AssertionError("echo mangled");
                    }
                  } catch (Exception | AssertionError e) {
                    if (startedAfterKill) {
                      failedAfterKill.incrementAndGet();
                      failures.add(e.toString());
                    }
                  }
                  if (startedAfterKill) {
                    afterKill.incrementAndGet();
                  }
                }
                return null;
              }));
    }

    await().until(() -> victim.accepted() >= 20);
    victim.close();
    killed.set(true);
    for (Future<?> f : load) {
      f.get();
    }

    assertThat(failures).isEmpty();
    assertThat(failedAfterKill).hasValue(0);
    assertThat(proxy.stats("web", victim.address()).getConnectFailures()).isPositive();
  }
}
