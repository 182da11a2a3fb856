package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.util.Durations;
import dev.weir.api.testing.SimulatedProxy;
import dev.weir.api.v1.AddBackendRequest;
import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One control plane holding 1,000 proxy streams over real HTTP/2 (Netty on loopback): each fake
 * proxy says hello, ACKs and applies every snapshot, and reports stats with a few backends every
 * second, while 20 changes are made. Prints the heap, the push latency to the whole fleet and the
 * rate of reports taken in. Runs in the normal build; {@code -DexcludedGroups=simulation} skips it.
 */
@Tag("simulation")
class ThousandProxySimulationTest {
  private static final int PROXIES = 1000;
  // Streams share a few connections, as the file descriptors of a small CI machine allow; each
  // proxy still has its own HTTP/2 stream, which is what the control plane keeps per proxy.
  private static final int CONNECTIONS = 10;
  private static final int CHANGES = 20;
  private static final int BACKENDS_PER_REPORT = 3;
  private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration RUN = Duration.ofSeconds(10);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  // What each proxy reports on: backends of the one pool, no listener.
  private static final SimulatedProxy.ReportedPool REPORTED =
      new SimulatedProxy.ReportedPool(
          "sim",
          IntStream.range(0, BACKENDS_PER_REPORT)
              .mapToObj(ThousandProxySimulationTest::address)
              .toList(),
          null);

  @TempDir Path dataDir;
  private ControlPlane plane;
  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<SimulatedProxy> proxies = new ArrayList<>();
  private final ExecutorService callbacks = Executors.newFixedThreadPool(4);
  private final ScheduledExecutorService reporters = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() throws Exception {
    reporters.shutdownNow();
    for (SimulatedProxy proxy : proxies) {
      proxy.leave();
    }
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (plane != null) {
      plane.close();
    }
    callbacks.shutdownNow();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void oneControlPlaneHoldsAThousandReportingProxiesAndPushesEveryChangeToAll() throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long baseline = heapAfterGc(memory);
    plane =
        new ControlPlane(
                dataDir,
                NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
                Clock.systemUTC())
            .metricsAddress(new InetSocketAddress("127.0.0.1", 0))
            .start();
    for (int i = 0; i < CONNECTIONS; i++) {
      channels.add(
          NettyChannelBuilder.forAddress("127.0.0.1", plane.port())
              .usePlaintext()
              .executor(callbacks)
              .build());
    }
    AdminServiceGrpc.AdminServiceBlockingStub admin = admin();
    admin.createPool(
        CreatePoolRequest.newBuilder()
            .setName("sim")
            .setListen(":8080")
            .addBackends(backend(0))
            .build());

    long started = System.nanoTime();
    for (int i = 0; i < PROXIES; i++) {
      SimulatedProxy proxy =
          new SimulatedProxy(
              String.format(Locale.ROOT, "sim-%04d", i),
              "sim",
              List.of(REPORTED),
              (p, version, at) -> {});
      proxies.add(proxy);
      proxy.connect(channels.get(i % CONNECTIONS));
      // Spread over the interval, as real proxies' timers are.
      reporters.scheduleAtFixedRate(
          proxy::report,
          ThreadLocalRandom.current().nextLong(REPORT_INTERVAL.toMillis()),
          REPORT_INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    await("every proxy to apply the first version")
        .atMost(Duration.ofSeconds(30))
        .until(() -> proxies.stream().allMatch(p -> p.applied() == 1));
    double connectSeconds = (System.nanoTime() - started) / 1e9;
    long reportsBefore = reportsIngested();
    long reportsFrom = System.nanoTime();

    List<ListenableFuture<WaitForAppliedResponse>> waits = new ArrayList<>();
    long pause = RUN.toMillis() / CHANGES;
    long version = 1;
    for (int change = 1; change <= CHANGES; change++) {
      Thread.sleep(pause); // pacing the changes over the run, not waiting for an outcome
      version =
          change % 2 == 1
              ? admin()
                  .addBackend(
                      AddBackendRequest.newBuilder()
                          .setPool("sim")
                          .setAddress(address(change))
                          .build())
                  .getConfigVersion()
              : admin()
                  .setBackendWeight(
                      SetBackendWeightRequest.newBuilder()
                          .setPool("sim")
                          .setAddress(address(0))
                          .setWeight(change)
                          .build())
                  .getConfigVersion();
      waits.add(
          AdminServiceGrpc.newFutureStub(channels.get(0))
              .withDeadlineAfter(60, TimeUnit.SECONDS)
              .waitForApplied(
                  WaitForAppliedRequest.newBuilder()
                      .setConfigVersion(version)
                      .setTimeout(Durations.fromSeconds(30))
                      .build()));
    }
    long finalVersion = version;

    List<Long> fleetLatenciesMicros = new ArrayList<>();
    for (ListenableFuture<WaitForAppliedResponse> wait : waits) {
      WaitForAppliedResponse response = wait.get(60, TimeUnit.SECONDS);
      assertThat(response.getComplete()).isTrue();
      assertThat(response.getProxiesCount()).isEqualTo(PROXIES);
      fleetLatenciesMicros.add(Durations.toMicros(response.getElapsed()));
    }
    assertThat(proxies).allMatch(p -> p.applied() == finalVersion);
    List<ProxyInfo> listed =
        admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
    assertThat(listed)
        .hasSize(PROXIES)
        .allMatch(ProxyInfo::getConnected)
        .allMatch(p -> p.getLastAppliedVersion() == finalVersion);
    List<Long> proxyLatenciesMicros = new ArrayList<>();
    for (ProxyInfo info : listed) {
      proxyLatenciesMicros.add(Durations.toMicros(info.getLastPushLatency()));
    }
    long reports = reportsIngested() - reportsBefore;
    double reportSeconds = (System.nanoTime() - reportsFrom) / 1e9;
    assertThat(reports)
        .as("stats reports ingested during the run")
        .isGreaterThan((long) (PROXIES * (reportSeconds - 2)));
    long heap = heapAfterGc(memory);

    System.out.printf(
        Locale.ROOT,
        "%nSimulation: %d proxies on %d HTTP/2 connections, %d changes, "
            + "reports every %d ms with %d backends%n",
        PROXIES,
        CONNECTIONS,
        CHANGES,
        REPORT_INTERVAL.toMillis(),
        BACKENDS_PER_REPORT);
    System.out.printf(
        Locale.ROOT, "  all connected and on version 1 after %.1f s%n", connectSeconds);
    System.out.printf(
        Locale.ROOT,
        "  heap used after GC: %.1f MiB (%.1f MiB before the control "
            + "plane started; both include the 1,000 fake proxies' client side)%n",
        heap / 1048576.0,
        baseline / 1048576.0);
    System.out.printf(
        Locale.ROOT,
        "  push latency to all %d proxies (WaitForApplied elapsed, %d "
            + "changes): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        PROXIES,
        CHANGES,
        percentile(fleetLatenciesMicros, 50) / 1e3,
        percentile(fleetLatenciesMicros, 99) / 1e3,
        percentile(fleetLatenciesMicros, 100) / 1e3);
    System.out.printf(
        Locale.ROOT,
        "  push latency per proxy for the last change: p50 %.1f ms, " + "p99 %.1f ms%n",
        percentile(proxyLatenciesMicros, 50) / 1e3,
        percentile(proxyLatenciesMicros, 99) / 1e3);
    System.out.printf(
        Locale.ROOT,
        "  stats reports ingested: %d in %.1f s, %.0f per second%n%n",
        reports,
        reportSeconds,
        reports / reportSeconds);
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(channels.get(0))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private long reportsIngested() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + plane.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return response
        .body()
        .lines()
        .filter(l -> l.startsWith("weir_control_stats_reports_ingested_total "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  private static long heapAfterGc(MemoryMXBean memory) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  private static long percentile(List<Long> values, int percent) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static String address(int i) {
    return "10.1.0." + (i + 1) + ":80";
  }

  private static Backend backend(int i) {
    return Backend.newBuilder().setAddress(address(i)).setWeight(1).build();
  }
}
