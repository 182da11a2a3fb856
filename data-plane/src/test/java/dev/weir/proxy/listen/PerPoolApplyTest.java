package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.PoolApplyFailure;
import dev.weir.api.v1.PoolApplyStatus;
import dev.weir.proxy.control.ReconnectBackoff;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.ManualScheduler;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A config whose pools cannot all listen: the others apply, the failed one keeps its previous state
 * and is reported, and the proxy binds it by itself once the port is free.
 */
@Timeout(60)
class PerPoolApplyTest {

  private final Resources resources = new Resources();
  private final ManualScheduler retries = new ManualScheduler();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aPortTakenByAnotherProgramFailsThatPoolOnlyAndTheOthersApply(Transport transport)
      throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport, retries, backoff()));
    int webPort = FreePort.find();
    proxy.apply(config(1, pool("web", webPort, ROUND_ROBIN).addBackends(active(echo.address()))));
    ServerSocket squatter = resources.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    int apiPort = FreePort.find();

    List<PoolApplyFailure> failed =
        proxy.apply(
            config(
                2,
                pool("web", webPort, ROUND_ROBIN).addBackends(active(echo.address())),
                pool("api", apiPort, ROUND_ROBIN).addBackends(active(echo.address())),
                pool("busy", squatter.getLocalPort(), ROUND_ROBIN)
                    .addBackends(active(echo.address()))));

    assertThat(failed)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getPool()).isEqualTo("busy");
              assertThat(f.getListen()).isEqualTo("127.0.0.1:" + squatter.getLocalPort());
              assertThat(f.getReason())
                  .startsWith("cannot listen on 127.0.0.1:" + squatter.getLocalPort());
              assertThat(f.getServingPrevious()).isFalse();
            });
    assertThat(proxy.listeners().version()).isEqualTo(2);
    assertThat(proxy.listeners().boundAddresses()).containsOnlyKeys("web", "api");
    assertThat(proxy.listeners().poolStatus().getFailedPoolsList()).isEqualTo(failed);
    assertEchoes(webPort);
    assertEchoes(apiPort);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aPortHeldWithSoReusePortIsRefusedRatherThanShared(Transport transport) throws Exception {
    ServerSocketChannel other = resources.add(ServerSocketChannel.open());
    assumeThat(other.supportedOptions()).contains(StandardSocketOptions.SO_REUSEPORT);
    other.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    int port = ((InetSocketAddress) other.getLocalAddress()).getPort();
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport, retries, backoff()));

    List<PoolApplyFailure> failed =
        proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));

    assertThat(failed)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getPool()).isEqualTo("web");
              assertThat(f.getReason()).startsWith("cannot listen on 127.0.0.1:" + port + ": ");
            });
    if (transport.reusePort()) {
      assertThat(failed.get(0).getReason())
          .endsWith("another program already listens on this port (SO_REUSEPORT would share it)");
    }
    assertThat(proxy.listeners().boundAddresses()).isEmpty();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aPoolMovingToATakenPortKeepsServingItsPreviousConfigOnItsOldPort(Transport transport)
      throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport, retries, backoff()));
    int oldPort = FreePort.find();
    proxy.apply(config(1, pool("web", oldPort, ROUND_ROBIN).addBackends(active(echo.address()))));
    ServerSocket squatter = resources.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));

    List<PoolApplyFailure> failed =
        proxy.apply(
            config(
                2,
                pool("web", squatter.getLocalPort(), ROUND_ROBIN)
                    .addBackends(active(echo.address()))));

    assertThat(failed).extracting(PoolApplyFailure::getServingPrevious).containsExactly(true);
    assertThat(proxy.listeners().boundAddresses().get("web").getPort()).isEqualTo(oldPort);
    assertEchoes(oldPort);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void theProxyRetriesTheFailedBindWithBackoffAndServesOnceThePortIsFree(Transport transport)
      throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport, retries, backoff()));
    List<PoolApplyStatus> reported = new CopyOnWriteArrayList<>();
    proxy.listeners().onRetryOutcome(reported::add);
    ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    int port = squatter.getLocalPort();
    proxy.apply(config(3, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));

    retries.runNext();
    retries.runNext();
    assertThat(reported).as("nothing changed, nothing to report").isEmpty();
    squatter.close();
    awaitFree(port);
    retries.runNext();

    assertThat(retries.delays())
        .containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(retries.pending()).as("no retry once it is bound").isZero();
    assertThat(reported).containsExactly(PoolApplyStatus.newBuilder().setConfigVersion(3).build());
    assertThat(proxy.listeners().poolStatus().getFailedPoolsList()).isEmpty();
    assertEchoes(port);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aConfigWithoutTheFailedPoolStopsItsRetries(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport, retries, backoff()));
    ServerSocket squatter = resources.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    proxy.apply(
        config(
            1,
            pool("busy", squatter.getLocalPort(), ROUND_ROBIN)
                .addBackends(active(echo.address()))));
    assertThat(retries.pending()).isEqualTo(1);
    int webPort = FreePort.find();

    List<PoolApplyFailure> failed =
        proxy.apply(
            config(2, pool("web", webPort, ROUND_ROBIN).addBackends(active(echo.address()))));

    assertThat(failed).isEmpty();
    assertThat(retries.pending()).isZero();
    assertEchoes(webPort);
  }

  /** 1 s doubling to 30 s, jitter always at its lowest (half), so the delays can be checked. */
  private static ReconnectBackoff backoff() {
    return new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0);
  }

  private static void assertEchoes(int port) throws IOException {
    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
      client.send("ping");
      assertThat(new String(client.readExactly(4), US_ASCII)).isEqualTo("ping");
    }
  }

  private static void awaitFree(int port) {
    await()
        .ignoreException(BindException.class)
        .until(
            () -> {
              try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return true;
              }
            });
  }
}
