package dev.weir.proxy.metrics;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code /metrics} (and {@code /-/healthy}) over HTTP, reading a {@link MetricsSource} at
 * every scrape. Its registry is its own, not the process-wide default, so nothing but the proxy's
 * stats shows up there and tests can run several side by side.
 */
public final class MetricsServer implements AutoCloseable {

  // Prometheus scrapes are rare and cheap; two threads keep one slow client from blocking them.
  private static final int THREADS = 2;

  private final HTTPServer http;
  private boolean closed;

  private MetricsServer(HTTPServer http) {
    this.http = http;
  }

  /**
   * Binds {@code address} (port 0 picks a free one) and starts serving.
   *
   * @throws IOException if the address cannot be bound, e.g. because the port is in use
   */
  public static MetricsServer start(InetSocketAddress address, MetricsSource source)
      throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new StatsCollector(source));
    ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "weir-metrics");
      t.setDaemon(true);
      return t;
    });
    try {
      // Built-in properties rather than PrometheusProperties.get(), which would let a system
      // property or a prometheus.properties file move the port away from the one asked for.
      return new MetricsServer(HTTPServer.builder(PrometheusProperties.builder().build())
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

  /** The port served, which is the one chosen when started with port 0. */
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
