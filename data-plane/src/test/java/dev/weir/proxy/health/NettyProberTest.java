package dev.weir.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.HttpStatusBackend;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Single probes over real loopback sockets. */
@Timeout(30)
class NettyProberTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aTcpProbePassesWhenTheBackendAcceptsAndFailsWhenNothingListens(Transport transport)
      throws Exception {
    NettyProber prober = prober(transport);
    EchoBackend live = resources.add(new EchoBackend("live"));

    assertThat(probe(prober, live.address(), tcp())).isTrue();
    assertThat(probe(prober, "127.0.0.1:" + FreePort.find(), tcp())).isFalse();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void anHttpProbePassesOnlyWhenTheStatusIsTheExpectedOne(Transport transport) throws Exception {
    NettyProber prober = prober(transport);
    HttpStatusBackend ok = resources.add(new HttpStatusBackend("ok", 200));
    HttpStatusBackend failing = resources.add(new HttpStatusBackend("failing", 503));

    assertThat(probe(prober, ok.address(), http(200, ""))).isTrue();
    assertThat(probe(prober, failing.address(), http(200, ""))).isFalse();
    assertThat(probe(prober, failing.address(), http(503, ""))).isTrue();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void anHttpProbeAsksForThePathWithTheHostHeaderAndClosesTheConnection(Transport transport)
      throws Exception {
    NettyProber prober = prober(transport);
    HttpStatusBackend backend = resources.add(new HttpStatusBackend("ok", 200));

    probe(prober, backend.address(), http(200, ""));
    probe(prober, backend.address(), http(200, "status.example"));

    assertThat(backend.requests())
        .containsExactly(
            "GET /healthz HTTP/1.1\r\nHost: "
                + backend.address()
                + "\r\nUser-Agent: weir-health\r\n"
                + "Connection: close\r\n\r\n",
            "GET /healthz HTTP/1.1\r\nHost: status.example\r\nUser-Agent: weir-health\r\n"
                + "Connection: close\r\n\r\n");
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void anHttpProbeFailsWhenTheBackendNeverAnswers(Transport transport) throws Exception {
    NettyProber prober = prober(transport);
    // The kernel completes the handshake for the backlog; nobody ever reads or writes.
    ServerSocket silent = resources.add(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()));

    long started = System.nanoTime();
    assertThat(probe(prober, "127.0.0.1:" + silent.getLocalPort(), http(200, ""))).isFalse();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void anHttpProbeOfSomethingThatIsNotHttpFails(Transport transport) throws Exception {
    NettyProber prober = prober(transport);
    EchoBackend echo = resources.add(new EchoBackend("echo"));

    assertThat(probe(prober, echo.address(), http(200, ""))).isFalse();
  }

  private NettyProber prober(Transport transport) {
    EventLoopGroup group = transport.newEventLoopGroup(1, "test-probe-" + transport.name());
    resources.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly());
    return new NettyProber(group, transport.channelClass());
  }

  private static boolean probe(NettyProber prober, String address, HealthCheckOptions options)
      throws Exception {
    int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    BackendConfig backend =
        new BackendConfig(address, new InetSocketAddress("127.0.0.1", port), 1, false);
    return prober.probe(backend, options).get(10, TimeUnit.SECONDS);
  }

  private static HealthCheckOptions tcp() {
    return new HealthCheckOptions(
        false, Duration.ofSeconds(1), Duration.ofMillis(500), 1, 1, 0, "/", 200, "", 0);
  }

  private static HealthCheckOptions http(int expectedStatus, String host) {
    return new HealthCheckOptions(
        true,
        Duration.ofSeconds(1),
        Duration.ofMillis(500),
        1,
        1,
        0,
        "/healthz",
        expectedStatus,
        host,
        0);
  }
}
