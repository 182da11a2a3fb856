package dev.weir.control.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.StatsReport;
import dev.weir.control.ControlPlane;
import dev.weir.control.testing.MutableClock;
import dev.weir.control.testing.TestProxy;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneMetricsTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir Path dataDir;
  private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
  private ControlPlane plane;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (plane != null) {
      plane.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aScrapeShowsProxiesPushLatencyVersionRevisionsReportsAndWatchers() throws Exception {
    start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    admin().createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    TestProxy proxy = new TestProxy(channel).hello("edge-1");
    await().until(() -> proxy.latest() != null);
    proxy.ack(proxy.latest()).applied(proxy.latest());
    admin()
        .addBackend(
            AddBackendRequest.newBuilder().setPool("web").setAddress("10.0.0.1:80").build());
    await().until(() -> proxy.latest().getVersion() == 2);
    clock.advance(Duration.ofMillis(30));
    proxy.ack(proxy.latest()).applied(proxy.latest());
    proxy.stats(StatsReport.newBuilder().setConfigVersion(2).build());
    proxy.stats(StatsReport.newBuilder().setConfigVersion(2).build());

    await()
        .untilAsserted(
            () ->
                assertThat(scrape())
                    .contains(
                        "weir_control_proxies_connected 1.0",
                        // One control plane: the fleet is its own proxies, and there are no other
                        // replicas.
                        "weir_control_fleet_proxies_connected 1.0",
                        "weir_control_replicas{state=\"followed\"} 0.0",
                        "weir_control_replicas{state=\"missing\"} 0.0",
                        "weir_control_config_version 2.0",
                        "weir_control_revisions_accepted_total 2.0",
                        "weir_control_stats_reports_ingested_total 2.0",
                        "weir_control_config_nacks_total 0.0",
                        "weir_control_watchers 0.0",
                        "weir_control_push_latency_seconds_bucket{le=\"0.025\"} 0",
                        "weir_control_push_latency_seconds_bucket{le=\"0.05\"} 1",
                        "weir_control_push_latency_seconds_bucket{le=\"+Inf\"} 1",
                        "weir_control_push_latency_seconds_count 1",
                        "weir_control_proxy_push_latency_seconds_count 1"));
  }

  @Test
  void aMetricsPortInUseStopsTheStartNamingIt() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", taken.getLocalPort());

      assertThat(catchThrowable(() -> start(address)))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  private void start(InetSocketAddress metrics) throws IOException {
    String name = InProcessServerBuilder.generateName();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    plane =
        new ControlPlane(dataDir, InProcessServerBuilder.forName(name).directExecutor(), clock)
            .metricsAddress(metrics)
            .start();
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private List<String> scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plane.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().lines().toList();
  }
}
