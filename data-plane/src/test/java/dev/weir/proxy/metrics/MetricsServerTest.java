package dev.weir.proxy.metrics;

import static dev.weir.proxy.metrics.Scrapes.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weir.api.metrics.MetricsServer;
import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.testing.Resources;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What /metrics shows for given stats, read over real HTTP. */
@Timeout(60)
class MetricsServerTest {

  private static final InetSocketAddress ANY_LOOPBACK_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final Resources resources = new Resources();
  private final AtomicReference<List<BackendStats>> backends = new AtomicReference<>(List.of());
  private final AtomicReference<List<ListenerStats>> listeners = new AtomicReference<>(List.of());
  private final AtomicLong version = new AtomicLong();
  private final AtomicBoolean connected = new AtomicBoolean();
  private final MetricsSource source =
      new MetricsSource(backends::get, listeners::get, version::get, connected::get);

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  private MetricsServer serve(MetricsSource source) throws IOException {
    return resources.add(MetricsServer.start(ANY_LOOPBACK_PORT, new StatsCollector(source)));
  }

  @Test
  void backendCountersAreServedAsSeriesLabelledByPoolAndBackend() throws Exception {
    backends.set(
        List.of(
            BackendStats.newBuilder()
                .setPool("web")
                .setAddress("127.0.0.1:1234")
                .setActiveConnections(2)
                .setTotalConnections(3)
                .setConnectFailures(4)
                .setUnansweredConnections(9)
                .setRefusedConnections(5)
                .setDrainClosedConnections(6)
                .setBytesToBackend(700)
                .setBytesToClient(8_000)
                .setHealth(BackendHealth.HEALTHY)
                .setConnectLatencyP50Us(1_500)
                .setConnectLatencyP99Us(42_000)
                .build()));
    MetricsServer server = serve(source);

    List<String> lines = scrape(server.port());

    String labels = "{backend=\"127.0.0.1:1234\",pool=\"web\"}";
    assertThat(lines)
        .contains(
            "# TYPE weir_backend_active_connections gauge",
            "weir_backend_active_connections" + labels + " 2.0",
            "# HELP weir_backend_connections_total Connections established to the backend.",
            "# TYPE weir_backend_connections_total counter",
            "weir_backend_connections_total" + labels + " 3.0",
            "weir_backend_connect_failures_total" + labels + " 4.0",
            "weir_backend_unanswered_connections_total" + labels + " 9.0",
            "weir_backend_refused_connections_total" + labels + " 5.0",
            "weir_backend_drain_closed_connections_total" + labels + " 6.0",
            "weir_backend_sent_bytes_total" + labels + " 700.0",
            "weir_backend_received_bytes_total" + labels + " 8000.0",
            "weir_backend_healthy{backend=\"127.0.0.1:1234\",health=\"healthy\",pool=\"web\"} 1.0",
            "weir_backend_draining" + labels + " 0.0",
            "# TYPE weir_backend_connect_latency_seconds summary",
            "weir_backend_connect_latency_seconds"
                + "{backend=\"127.0.0.1:1234\",pool=\"web\",quantile=\"0.5\"} 0.0015",
            "weir_backend_connect_latency_seconds"
                + "{backend=\"127.0.0.1:1234\",pool=\"web\",quantile=\"0.99\"} 0.042",
            "weir_backend_connect_latency_seconds_count" + labels + " 3");
  }

  @Test
  void aBackendThatIsNotHealthyShowsZeroAndItsStateAsTheHealthLabel() throws Exception {
    backends.set(
        List.of(
            backend("10.0.0.1:80").setHealth(BackendHealth.UNHEALTHY).setDraining(true).build(),
            backend("10.0.0.2:80").setHealth(BackendHealth.EJECTED).build(),
            backend("10.0.0.3:80").setHealth(BackendHealth.UNKNOWN).build()));
    MetricsServer server = serve(source);

    List<String> lines = scrape(server.port());

    assertThat(lines)
        .contains(
            "weir_backend_healthy{backend=\"10.0.0.1:80\",health=\"unhealthy\",pool=\"web\"} 0.0",
            "weir_backend_healthy{backend=\"10.0.0.2:80\",health=\"ejected\",pool=\"web\"} 0.0",
            "weir_backend_healthy{backend=\"10.0.0.3:80\",health=\"unknown\",pool=\"web\"} 0.0",
            "weir_backend_draining{backend=\"10.0.0.1:80\",pool=\"web\"} 1.0",
            "weir_backend_draining{backend=\"10.0.0.2:80\",pool=\"web\"} 0.0");
  }

  @Test
  void latencyQuantilesOfAnIntervalWithoutConnectsAreNotANumber() throws Exception {
    backends.set(List.of(backend("10.0.0.1:80").setTotalConnections(9).build()));
    MetricsServer server = serve(source);

    List<String> lines = scrape(server.port());

    String labels = "{backend=\"10.0.0.1:80\",pool=\"web\"";
    assertThat(lines)
        .contains(
            "weir_backend_connect_latency_seconds" + labels + ",quantile=\"0.5\"} NaN",
            "weir_backend_connect_latency_seconds" + labels + ",quantile=\"0.99\"} NaN",
            "weir_backend_connect_latency_seconds_count" + labels + "} 9");
  }

  @Test
  void listenerCountersAreServedAsSeriesLabelledByPoolAndListenerAddress() throws Exception {
    listeners.set(
        List.of(
            ListenerStats.newBuilder()
                .setPool("web")
                .setAddress("0.0.0.0:8080")
                .setAcceptedConnections(10)
                .setRefusedConnections(1)
                .setNoBackendConnections(2)
                .setActiveConnections(7)
                .build()));
    MetricsServer server = serve(source);

    List<String> lines = scrape(server.port());

    String labels = "{listener=\"0.0.0.0:8080\",pool=\"web\"}";
    assertThat(lines)
        .contains(
            "weir_listener_accepted_connections_total" + labels + " 10.0",
            "weir_listener_refused_connections_total" + labels + " 1.0",
            "weir_listener_no_backend_connections_total" + labels + " 2.0",
            "# TYPE weir_listener_active_connections gauge",
            "weir_listener_active_connections" + labels + " 7.0");
  }

  @Test
  void theControlStreamAndConfigVersionAreReadAtEachScrape() throws Exception {
    MetricsServer server = serve(source);

    assertThat(scrape(server.port()))
        .contains("weir_control_plane_connected 0.0", "weir_config_version 0.0");

    connected.set(true);
    version.set(12);

    assertThat(scrape(server.port()))
        .contains("weir_control_plane_connected 1.0", "weir_config_version 12.0");
  }

  @Test
  void aRefusedConfigShowsAsOneForItsReasonUntilTheRefusalEnds() throws Exception {
    AtomicReference<NackKind> refusing = new AtomicReference<>(NackKind.NACK_KIND_UNSPECIFIED);
    MetricsServer server =
        serve(
            new MetricsSource(
                backends::get,
                listeners::get,
                version::get,
                connected::get,
                ConnectionBudget.unlimited(),
                refusing::get));

    assertThat(scrape(server.port()))
        .contains(
            "weir_proxy_config_refused{reason=\"other_fleet\"} 0.0",
            "weir_proxy_config_refused{reason=\"older_version\"} 0.0");

    refusing.set(NackKind.OTHER_FLEET);

    assertThat(scrape(server.port()))
        .contains(
            "weir_proxy_config_refused{reason=\"other_fleet\"} 1.0",
            "weir_proxy_config_refused{reason=\"older_version\"} 0.0");
  }

  @Test
  void everyMetricHasHelpText() throws Exception {
    backends.set(List.of(backend("10.0.0.1:80").build()));
    listeners.set(List.of(ListenerStats.newBuilder().setPool("web").setAddress(":80").build()));
    MetricsServer server = serve(source);

    List<String> lines = scrape(server.port());

    List<String> types = lines.stream().filter(l -> l.startsWith("# TYPE ")).toList();
    assertThat(types).hasSize(29);
    for (String type : types) {
      String name = type.split(" ")[2];
      assertThat(lines).anyMatch(l -> l.startsWith("# HELP " + name + " ") && l.length() > 20);
    }
  }

  @Test
  void aPortInUseFailsTheStart() throws Exception {
    ServerSocket taken = resources.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));

    assertThatThrownBy(
            () ->
                MetricsServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()),
                    new StatsCollector(source)))
        .isInstanceOf(BindException.class);
  }

  @Test
  void closingTwiceIsHarmless() throws Exception {
    MetricsServer server = MetricsServer.start(ANY_LOOPBACK_PORT, new StatsCollector(source));

    server.close();
    server.close();
  }

  private static BackendStats.Builder backend(String address) {
    return BackendStats.newBuilder().setPool("web").setAddress(address);
  }
}
