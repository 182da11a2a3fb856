package dev.weir.bench.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What the control planes cost etcd, read from etcd's own Prometheus endpoint (its client URL's
 * {@code /metrics}), so the figures count every client's traffic however it was sent.
 */
final class EtcdProbe {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI metrics;

  EtcdProbe(String clientUrl) {
    this.metrics = URI.create(clientUrl.replaceAll("/+$", "") + "/metrics");
  }

  /**
   * etcd's cumulative counters now.
   *
   * @param proposals raft proposals committed: one per write request (put, delete, txn, lease grant
   *     or revoke), the figure the issue bounds; lease keep-alives are not proposals
   * @param keysWritten keys put or deleted; a txn that writes counts each of its keys
   * @param requests gRPC messages received over every method, reads, watches and lease keep-alives
   *     included: all the traffic the replicas send etcd
   */
  record Counters(double proposals, double keysWritten, double requests) {
    Counters minus(Counters earlier) {
      return new Counters(
          proposals - earlier.proposals,
          keysWritten - earlier.keysWritten,
          requests - earlier.requests);
    }
  }

  Counters counters() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(metrics + " answered HTTP " + response.statusCode());
    }
    String text = response.body();
    return new Counters(
        sum(text, "etcd_server_proposals_committed_total"),
        sum(text, "etcd_mvcc_put_total") + sum(text, "etcd_mvcc_delete_total"),
        sum(text, "grpc_server_msg_received_total"));
  }

  /** The sum of every series of one metric, whatever its labels; 0 when etcd has none. */
  static double sum(String scrape, String metric) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
