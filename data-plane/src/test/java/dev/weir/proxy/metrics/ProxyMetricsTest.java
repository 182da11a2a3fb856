package dev.weir.proxy.metrics;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.metrics.Scrapes.scrape;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.metrics.MetricsServer;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.TlsTermination;
import dev.weir.proxy.WeirProxy;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.listen.Pools;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestCertificates;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** /metrics over a real proxy: its listeners relaying real connections, and weir-proxy's flag. */
@Timeout(60)
class ProxyMetricsTest {

  private final Resources resources = new Resources();
  @TempDir Path stateDir;

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @Test
  void connectionsRelayedByTheListenersShowUpInTheNextScrape() throws Exception {
    WebPool web = webPool(3);

    for (int i = 0; i < 3; i++) {
      try (TestClient client = TestClient.connect(web.port())) {
        assertThat(client.readLine()).isEqualTo("echo");
        client.send("hi\n");
        assertThat(client.readLine()).isEqualTo("hi");
      }
    }

    String backend = "{backend=\"" + web.echo().address() + "\",pool=\"web\"}";
    String listener = "{listener=\"127.0.0.1:" + web.port() + "\",pool=\"web\"}";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(scrape(web.metrics().port()))
                    .contains(
                        "weir_backend_connections_total" + backend + " 3.0",
                        "weir_backend_active_connections" + backend + " 0.0",
                        "weir_backend_sent_bytes_total" + backend + " 9.0",
                        "weir_backend_connect_latency_seconds_count" + backend + " 3",
                        "weir_listener_accepted_connections_total" + listener + " 3.0",
                        "weir_listener_active_connections" + listener + " 0.0",
                        "weir_config_version 3.0",
                        "weir_control_plane_connected 0.0"));
  }

  @Test
  void aConnectionAnOperatorClosedIsCountedForItsListener() throws Exception {
    WebPool web = webPool(1);
    TestClient client = resources.add(TestClient.connect(web.port()));
    assertThat(client.readLine()).isEqualTo("echo");
    long sequence =
        web.listeners()
            .listConnections("", "", 10)
            .get(10, TimeUnit.SECONDS)
            .getConnections(0)
            .getSequence();

    assertThat(web.listeners().closeConnection(sequence).get(10, TimeUnit.SECONDS).getFound())
        .isTrue();

    String listener = "{listener=\"127.0.0.1:" + web.port() + "\",pool=\"web\"}";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(scrape(web.metrics().port()))
                    .contains(
                        "weir_listener_operator_closed_connections_total" + listener + " 1.0"));
  }

  /** A proxy on NIO with pool "web" (one echo backend) at {@code version}, and its /metrics. */
  private record WebPool(EchoBackend echo, int port, Pools listeners, MetricsServer metrics) {}

  private WebPool webPool(long version) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    int port = FreePort.find();
    proxy.apply(
        config(version, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));
    Pools listeners = proxy.listeners();
    return new WebPool(echo, port, listeners, metricsOf(listeners));
  }

  /** /metrics on an ephemeral loopback port for {@code listeners}, not connected upstream. */
  private MetricsServer metricsOf(Pools listeners) throws IOException {
    return resources.add(
        MetricsServer.start(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            new StatsCollector(
                new MetricsSource(
                    listeners::backendStats,
                    listeners::listenerStats,
                    listeners::version,
                    () -> false))));
  }

  @Test
  void eachTerminatedCertificateShowsItsExpiryByPoolAndFile() throws Exception {
    TestCertificates ca = new TestCertificates(stateDir, "metrics");
    Path cert = ca.issue("web", "web.example.com");
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(
        config(
            1,
            pool("web", FreePort.find(), ROUND_ROBIN)
                .addBackends(active(echo.address()))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setTlsTermination(
                            TlsTermination.newBuilder()
                                .setEnabled(true)
                                .addCertificates(
                                    Certificate.newBuilder()
                                        .setCertFile(cert.toString())
                                        .setKeyFile(TestCertificates.keyOf(cert).toString()))))));
    Pools listeners = proxy.listeners();
    MetricsServer server =
        resources.add(
            MetricsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new StatsCollector(
                    new MetricsSource(
                        listeners::backendStats,
                        listeners::listenerStats,
                        listeners::version,
                        () -> true,
                        listeners.budget(),
                        () -> NackKind.NACK_KIND_UNSPECIFIED,
                        listeners::certificateExpiries))));

    long notAfter = TestCertificates.read(cert).getNotAfter().toInstant().getEpochSecond();
    assertThat(scrape(server.port()))
        .contains(
            "weir_tls_certificate_expiry_timestamp_seconds{file=\""
                + cert
                + "\",pool=\"web\"} "
                + (double) notAfter);
  }

  @Test
  void connectionsRefusedAtTheProxyWideCapShowUpWithTheCapAndTheOpenCount() throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    EventLoopGroup group = Transport.nio().newEventLoopGroup(1, "test-relay");
    resources.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly());
    ConnectionBudget budget = new ConnectionBudget(1);
    Pools listeners =
        resources.add(
            new Pools(
                group,
                Transport.nio(),
                1,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                null,
                budget));
    int port = FreePort.find();
    listeners.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));
    MetricsServer server =
        resources.add(
            MetricsServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new StatsCollector(
                    new MetricsSource(
                        listeners::backendStats,
                        listeners::listenerStats,
                        listeners::version,
                        () -> true,
                        budget))));

    TestClient admitted = resources.add(TestClient.connect(port));
    assertThat(admitted.readLine()).isEqualTo("echo");
    try {
      resources.add(TestClient.connect(port));
    } catch (SocketException reset) {
      // Refused: the reset can come before connect() has returned.
    }

    String listener = "{listener=\"127.0.0.1:" + port + "\",pool=\"web\"}";
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(scrape(server.port()))
                    .contains(
                        "weir_proxy_max_connections 1.0",
                        "weir_proxy_active_connections 1.0",
                        "weir_proxy_refused_connections_total 1.0",
                        "weir_listener_refused_connections_total" + listener + " 1.0"));
  }

  @Test
  void weirProxyServesMetricsOnTheAddressItIsGiven() throws Exception {
    int metricsPort = FreePort.find();
    WeirProxy weir = weirProxy("--metrics", "127.0.0.1:" + metricsPort);

    resources.add(weir.start());

    assertThat(scrape(metricsPort))
        .contains("weir_control_plane_connected 0.0", "weir_config_version 0.0");
  }

  @Test
  void aMetricsAddressThatIsNotHostAndPortIsRefusedNamingTheOption() {
    assertThatThrownBy(() -> weirProxy("--metrics", "9100"))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--metrics")
        .hasMessageContaining("'9100' is not HOST:PORT");
  }

  @Test
  void aMetricsPortInUseFailsTheStartNamingTheOption() throws Exception {
    ServerSocket taken = resources.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
    WeirProxy weir = weirProxy("--metrics", "127.0.0.1:" + taken.getLocalPort());

    assertThatThrownBy(weir::start)
        .isInstanceOf(ParameterException.class)
        .hasMessageStartingWith("--metrics 127.0.0.1:" + taken.getLocalPort() + ": cannot listen: ")
        .hasMessageContaining("in use");
  }

  /** A weir-proxy whose control plane is nowhere, so it never gets a config. */
  private WeirProxy weirProxy(String... args) {
    WeirProxy weir = new WeirProxy();
    new CommandLine(weir)
        .parseArgs(
            concat(
                new String[] {
                  "--id",
                  "metrics-test",
                  "--control-plane",
                  "127.0.0.1:" + FreePort.find(),
                  "--state-dir",
                  stateDir.toString(),
                  "--event-loops",
                  "1"
                },
                args));
    return weir;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
