package dev.weir.bench.control;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Reads the control plane from outside, as an operator would: its Prometheus endpoint, its
 * process's CPU time and RSS from /proc, and its live heap from {@code jcmd}.
 */
final class ControlPlaneProbe {
  private static final String PUSH_BUCKET = "weir_control_push_latency_seconds_bucket{le=\"";
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI metrics;
  private final long pid;
  private final long ticksPerSecond;

  ControlPlaneProbe(String metricsHostPort, long pid, long ticksPerSecond) {
    this.metrics = URI.create("http://" + metricsHostPort + "/metrics");
    this.pid = pid;
    this.ticksPerSecond = ticksPerSecond;
  }

  /** The metrics text, scraped now. */
  String scrape() throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(metrics + " answered HTTP " + response.statusCode());
    }
    return response.body();
  }

  static long reportsIngested(String scrape) {
    return (long) value(scrape, "weir_control_stats_reports_ingested_total ");
  }

  /** Cumulative count of versions in the commit-to-applied histogram at or under {@code le}. */
  static long pushesAtMost(String scrape, String le) {
    return (long) value(scrape, PUSH_BUCKET + le + "\"} ");
  }

  private static double value(String scrape, String prefix) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim().split(" ")[0]))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no metric line starts with " + prefix));
  }

  /** utime + stime of the whole process, in seconds. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // Fields after the command name, which is in parentheses and may hold spaces.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks / (double) ticksPerSecond;
  }

  long rssBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS in /proc/" + pid + "/status");
  }

  /**
   * Live heap: {@code jcmd PID GC.class_histogram} runs a full GC first and totals what survived.
   * Returns the bytes; the largest classes go to {@code topClasses}.
   */
  long liveHeapBytes(List<String> topClasses) throws IOException, InterruptedException {
    List<String> lines = jcmd("GC.class_histogram");
    long total = -1;
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.startsWith("Total ")) {
        String[] parts = trimmed.split("\\s+");
        total = Long.parseLong(parts[2]);
      } else if (trimmed.matches("^[0-9]+:\\s+[0-9]+\\s+[0-9]+\\s+.*") && topClasses.size() < 8) {
        // "  1:   12345   678900  [B (java.base@17)"; jcmd's own first line is "PID:".
        String[] parts = trimmed.split("\\s+");
        topClasses.add(
            String.format(
                Locale.ROOT, "%.1f MiB %s", Long.parseLong(parts[2]) / 1048576.0, parts[3]));
      }
    }
    if (total < 0) {
      throw new IOException("jcmd " + pid + " GC.class_histogram printed no Total line: " + lines);
    }
    return total;
  }

  /** {@code jcmd PID GC.heap_info}, for the report's notes. */
  List<String> heapInfo() throws IOException, InterruptedException {
    return jcmd("GC.heap_info");
  }

  private List<String> jcmd(String command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
    List<String> lines =
        new ArrayList<>(
            new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + lines);
    }
    return lines;
  }
}
