package dev.weir.api.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code /metrics} (and {@code /-/healthy}) over HTTP for Prometheus, for weir-control and
 * weir-proxy alike. Its registry is its own, not the process-wide default, so only the collector it
 * is given shows up and tests can run several side by side. The collector is read at every scrape.
 */
public final class MetricsServer implements AutoCloseable {
  // Scrapes are rare and cheap; two threads keep one slow client from blocking the next.
  private static final int THREADS = 2;

  private final HTTPServer http;
  private boolean closed;

  private MetricsServer(HTTPServer http) {
    this.http = http;
  }

  /**
   * Binds {@code address} (port 0 picks a free one) and starts serving {@code metrics}.
   *
   * @throws IOException if the address cannot be bound, e.g. because the port is in use
   */
  public static MetricsServer start(InetSocketAddress address, MultiCollector metrics)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(metrics);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            THREADS,
            r -> {
              Thread t = new Thread(r, "weir-metrics");
              t.setDaemon(true);
              return t;
            });
    try {
      // Built-in properties, not PrometheusProperties.get(): a system property or properties
      // file must not move the port away from the one asked for.
      return new MetricsServer(
          HTTPServer.builder(PrometheusProperties.builder().build())
              .inetAddress(address.getAddress())
              .port(address.getPort())
              .registry(registry)
              .executorService(threads)
              .buildAndStart());
    } catch (IOException | RuntimeException e) {
      threads.shutdownNow();
      throw e;
    }
  }

  /** The port served; the one chosen when started with port 0. */
  public int port() {
    return http.getPort();
  }

  /** Stops serving; a scrape under way is cut off. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      http.close();
    }
  }
}
