package dev.weir.proxy.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Fetches /metrics the way Prometheus does, as plain text. */
final class Scrapes {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private Scrapes() {}

  /** The lines of http://127.0.0.1:{@code port}/metrics; fails on any status but 200. */
  static List<String> scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("GET /metrics: HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body().lines().toList();
  }
}
