package dev.weir.bench.control;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import dev.weir.api.v1.Backend;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListProxiesRequest;
import dev.weir.api.v1.ListProxiesResponse;
import dev.weir.api.v1.ProxyInfo;
import dev.weir.api.v1.SetBackendWeightRequest;
import dev.weir.api.v1.WaitForAppliedRequest;
import dev.weir.api.v1.WaitForAppliedResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The control-plane benchmark's driver; bench/control-plane starts the control plane (and any real
 * proxies) and runs this once per scenario. Progress goes to stderr, one CSV line of figures to
 * stdout.
 *
 * <pre>
 * push   --control H:P[,H:P...] --metrics H:P[,...] --pid PID[,...] --proxies N --edits E
 *        [--warmup W] [--real] [--clk-tck T]
 *        N simulated proxies (or, with --real, N weir-proxy processes already started), E edits
 *        one at a time, each waited for on every proxy.
 *        stdout: push,KIND,N,E,client p50,p99,max,control p50,p99,max,hist<=50ms,hist total,
 *                control-plane CPU ms per edit,R
 * ingest --control H:P[,H:P...] --metrics H:P[,...] --pid PID[,...] --proxies N --seconds S
 *        --edits E [--warmup-seconds W] [--warmup-edits WE] [--queries Q]
 *        [--query-seconds QS] [--etcd URL] [--clk-tck T]
 *        N simulated proxies each reporting every second; WE unmeasured edits while warming up,
 *        then, once the control planes have caught up with the reports (60 s at most), over S
 *        seconds, E edits; then, over QS seconds without edits, Q GetPoolStatus and
 *        Q ListProxies calls, with etcd's counters (given --etcd) read over both windows.
 *        stdout: ingest,N,S,cpu %,live heap MiB,rss MiB,reports/s,client p50,p99,max,
 *                control p50,p99,E,R,Q,GetPoolStatus p50,p99,ListProxies p50,p99,partial
 *                answers,QS,then per replica etcd proposals/s, keys written/s, requests/s
 *                over S (with edits) and over QS (reports only): empty without --etcd,
 *                reports sent/s, reports in flight at the window's start and end
 *        then with R > 1, one line per replica:
 *                replica,I,H:P,proxies,cpu %,live heap MiB,rss MiB,reports/s
 * </pre>
 *
 * <p>Given several control planes (R replicas sharing one store), the simulated proxies are spread
 * evenly over them, and edits and queries go through the first; CPU, heap and RSS in the ingest
 * line are the replicas' sums, CPU per edit too.
 *
 * <p>Latencies are in milliseconds. "client": from the edit RPC's start to the last proxy sending
 * ConfigApplied (simulated) or to WaitForApplied answering complete (real). "control": the control
 * plane's own commit-to-applied time for that version (WaitForApplied.elapsed), which through a
 * replica covers every replica's proxies.
 */
public final class ControlPlaneBench {
  private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(60);
  private static final int BACKENDS_PER_POOL = 4;

  private final Map<String, String> options;
  private final ControlPlanes controls;
  private final ManagedChannel adminChannel;
  private int weight = 1;

  private ControlPlaneBench(Map<String, String> options) {
    this.options = options;
    this.controls =
        ControlPlanes.parse(
            required("control"),
            required("metrics"),
            required("pid"),
            Long.parseLong(options.getOrDefault("clk-tck", "100")));
    this.adminChannel =
        NettyChannelBuilder.forAddress(controls.address(0).host(), controls.address(0).port())
            .usePlaintext()
            .build();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("push") || args[0].equals("ingest"))) {
      System.err.println(
          "usage: ControlPlaneBench push|ingest --control HOST:PORT ... "
              + "(see the class's javadoc)");
      System.exit(2);
    }
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an --option, got " + args[i]);
      }
      String name = args[i].substring(2);
      if (name.equals("real")) {
        options.put(name, "true");
      } else {
        options.put(name, args[++i]);
      }
    }
    ControlPlaneBench bench = new ControlPlaneBench(options);
    try {
      System.out.println(args[0].equals("push") ? bench.push() : bench.ingest());
    } finally {
      bench.adminChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  private String push() throws Exception {
    int proxies = Integer.parseInt(required("proxies"));
    int edits = Integer.parseInt(required("edits"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "20"));
    boolean real = options.containsKey("real");
    ReportShape shape = new ReportShape(1, BACKENDS_PER_POOL, freePort());
    long version = createPools(shape);
    SimulatedFleet fleet = null;
    try {
      if (real) {
        awaitRealProxies(proxies, version);
      } else {
        fleet = new SimulatedFleet(controls.addresses(), proxies, shape);
        progress(
            "connecting %d simulated proxies to %d control plane(s), one HTTP/2 "
                + "connection each",
            proxies, controls.size());
        fleet.connectAndAwait(version, APPLY_TIMEOUT);
        awaitFleetView(proxies);
      }
      progress("%d warm-up edits", warmup);
      for (int i = 0; i < warmup; i++) {
        edit(fleet, shape);
      }
      String before = controls.probe(0).scrape();
      double cpuBefore = controls.cpuSeconds();
      List<Double> client = new ArrayList<>();
      List<Double> control = new ArrayList<>();
      progress("%d measured edits to %d %s proxies", edits, proxies, real ? "real" : "simulated");
      for (int i = 0; i < edits; i++) {
        double[] latency = edit(fleet, shape);
        client.add(latency[0]);
        control.add(latency[1]);
      }
      double cpuPerEdit = (controls.cpuSeconds() - cpuBefore) * 1e3 / edits;
      String after = controls.probe(0).scrape();
      long within =
          ControlPlaneProbe.pushesAtMost(after, "0.05")
              - ControlPlaneProbe.pushesAtMost(before, "0.05");
      long total =
          ControlPlaneProbe.pushesAtMost(after, "+Inf")
              - ControlPlaneProbe.pushesAtMost(before, "+Inf");
      return String.format(
          Locale.ROOT,
          "push,%s,%d,%d,%s,%s,%d,%d,%.2f,%d",
          real ? "real" : "simulated",
          proxies,
          edits,
          triple(client),
          triple(control),
          within,
          total,
          cpuPerEdit,
          controls.size());
    } finally {
      if (fleet != null) {
        fleet.close();
      }
    }
  }

  private String ingest() throws Exception {
    int proxies = Integer.parseInt(required("proxies"));
    int seconds = Integer.parseInt(required("seconds"));
    int edits = Integer.parseInt(required("edits"));
    int warmupSeconds = Integer.parseInt(options.getOrDefault("warmup-seconds", "10"));
    int queries = Integer.parseInt(options.getOrDefault("queries", "50"));
    int querySeconds = Integer.parseInt(options.getOrDefault("query-seconds", "20"));
    EtcdProbe etcd = options.containsKey("etcd") ? new EtcdProbe(options.get("etcd")) : null;
    ReportShape shape = new ReportShape(3, BACKENDS_PER_POOL, 21000);
    long version = createPools(shape);
    try (SimulatedFleet fleet = new SimulatedFleet(controls.addresses(), proxies, shape)) {
      progress(
          "connecting %d simulated proxies to %d control plane(s), one HTTP/2 connection " + "each",
          proxies, controls.size());
      long connectStart = System.nanoTime();
      fleet.connectAndAwait(version, Duration.ofSeconds(120));
      awaitFleetView(proxies);
      progress(
          "all on version %d after %.1f s; reports every second from each, %d s warm-up",
          version, (System.nanoTime() - connectStart) / 1e9, warmupSeconds);
      fleet.startReporting(Duration.ofSeconds(1));
      long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
      int warmupEdits = Integer.parseInt(options.getOrDefault("warmup-edits", "0"));
      for (int i = 0; i < warmupEdits; i++) {
        edit(fleet, shape);
      }
      long rest = warmupEnd - System.nanoTime();
      if (rest > 0) {
        TimeUnit.NANOSECONDS.sleep(rest); // pacing: the load runs, nothing is awaited
      }

      long backlogBefore = awaitCaughtUp(fleet);
      long sentBefore = fleet.reportsSent();
      long[] reportsBefore = controls.reportsIngestedEach();
      double[] cpuBefore = controls.cpuSecondsEach();
      EtcdProbe.Counters etcdBefore = etcd != null ? etcd.counters() : null;
      long wallBefore = System.nanoTime();
      List<Double> client = new ArrayList<>();
      List<Double> control = new ArrayList<>();
      long pause = seconds * 1000L / (edits + 1);
      progress("measuring for %d s with %d edits to all %d proxies", seconds, edits, proxies);
      for (int i = 0; i < edits; i++) {
        Thread.sleep(pause); // pacing the edits over the window
        double[] latency = edit(fleet, shape);
        client.add(latency[0]);
        control.add(latency[1]);
      }
      long end = wallBefore + seconds * 1_000_000_000L;
      long left = end - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left); // the rest of the window
      }
      double wall = (System.nanoTime() - wallBefore) / 1e9;
      double[] cpu = controls.cpuSecondsEach();
      long[] reports = controls.reportsIngestedEach();
      long sent = fleet.reportsSent();
      long backlogAfter = Math.max(0, sent - Arrays.stream(reports).sum());
      sent -= sentBefore;
      EtcdProbe.Counters etcdWindow = etcd != null ? etcd.counters().minus(etcdBefore) : null;
      long[] rss = controls.rssBytesEach();
      for (int r = 0; r < controls.size(); r++) {
        cpu[r] -= cpuBefore[r];
        reports[r] -= reportsBefore[r];
      }

      progress(
          "fleet-wide queries through %s over %d s, no edits: %d GetPoolStatus, "
              + "%d ListProxies",
          controls.address(0), querySeconds, queries, queries);
      EtcdProbe.Counters etcdQuietBefore = etcd != null ? etcd.counters() : null;
      long quietStart = System.nanoTime();
      FleetQueries.Timings asked =
          new FleetQueries(this::admin, shape.poolName(0), proxies)
              .run(queries, Duration.ofSeconds(querySeconds));
      long quietLeft = quietStart + querySeconds * 1_000_000_000L - System.nanoTime();
      if (quietLeft > 0) {
        TimeUnit.NANOSECONDS.sleep(quietLeft); // the rest of the quiet window
      }
      double quietWall = (System.nanoTime() - quietStart) / 1e9;
      EtcdProbe.Counters etcdQuiet = etcd != null ? etcd.counters().minus(etcdQuietBefore) : null;

      long[] heap = new long[controls.size()];
      for (int r = 0; r < controls.size(); r++) {
        List<String> top = new ArrayList<>();
        heap[r] = controls.probe(r).liveHeapBytes(top);
        progress(
            "%s: live heap after a full GC: %.1f MiB; largest classes:",
            controls.address(r), heap[r] / 1048576.0);
        for (String line : top) {
          progress("  %s", line);
        }
        for (String line : controls.probe(r).heapInfo()) {
          progress("  heap_info: %s", line);
        }
      }
      StringBuilder out =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "ingest,%d,%d,%.1f,%.1f,%.1f,%.0f,%s,%.1f,%.1f,%d,%d,%d,%s,%s,%d,%d,%s,%s,%.0f,%d,%d",
                  proxies,
                  seconds,
                  100 * sum(cpu) / wall,
                  sum(heap) / 1048576.0,
                  sum(rss) / 1048576.0,
                  sum(reports) / wall,
                  triple(client),
                  percentile(control, 50),
                  percentile(control, 99),
                  edits,
                  controls.size(),
                  queries,
                  pair(asked.poolStatus()),
                  pair(asked.listProxies()),
                  asked.partial(),
                  querySeconds,
                  etcdRates(etcdWindow, wall),
                  etcdRates(etcdQuiet, quietWall),
                  sent / wall,
                  backlogBefore,
                  backlogAfter));
      if (controls.size() > 1) {
        for (int r = 0; r < controls.size(); r++) {
          out.append(
              String.format(
                  Locale.ROOT,
                  "%nreplica,%d,%s,%d,%.1f,%.1f,%.1f,%.0f",
                  r + 1,
                  controls.address(r),
                  fleet.servedBy(r, controls.size()),
                  100 * cpu[r] / wall,
                  heap[r] / 1048576.0,
                  rss[r] / 1048576.0,
                  reports[r] / wall));
        }
      }
      return out.toString();
    }
  }

  /**
   * Waits, at most 60 s, until the control planes have taken in all but about one second's worth of
   * the reports sent so far. Reports they could not keep up with while warming up (JIT, connecting)
   * wait in the HTTP/2 flow-control windows, and would otherwise be counted as taken in during the
   * window, above the rate sent. Returns the reports still in flight.
   */
  private long awaitCaughtUp(SimulatedFleet fleet) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    long start = System.nanoTime();
    while (true) {
      long ingested = (long) sum(controls.reportsIngestedEach());
      long backlog = Math.max(0, fleet.reportsSent() - ingested);
      if (backlog <= fleet.size() || System.nanoTime() > deadline) {
        progress(
            "%d reports sent and not yet taken in, after %.1f s waiting for the control "
                + "plane(s) to catch up",
            backlog, (System.nanoTime() - start) / 1e9);
        return backlog;
      }
      Thread.sleep(1000); // polling the control planes' counters; bounded by the deadline above
    }
  }

  /** etcd's proposals, keys written and requests per second per replica, or three blanks. */
  private String etcdRates(EtcdProbe.Counters delta, double seconds) {
    if (delta == null) {
      return ",,";
    }
    double per = seconds * controls.size();
    return String.format(
        Locale.ROOT,
        "%.2f,%.2f,%.1f",
        delta.proposals() / per,
        delta.keysWritten() / per,
        delta.requests() / per);
  }

  /**
   * With several replicas, waits until the first one's ListProxies covers every replica and lists
   * all {@code proxies} connected: the replica links are up before anything is measured.
   */
  private void awaitFleetView(int proxies) throws InterruptedException {
    if (controls.size() == 1) {
      return;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      ListProxiesResponse answer = admin().listProxies(ListProxiesRequest.getDefaultInstance());
      long seen = FleetQueries.connected(answer);
      int missing = answer.getCoverage().getMissingCount();
      if (seen == proxies && missing == 0) {
        progress(
            "%s lists all %d proxies of %d replicas",
            controls.address(0), proxies, answer.getCoverage().getReplicasCount());
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            String.format(
                Locale.ROOT,
                "after 120 s %s lists %d " + "of %d proxies connected, %d replica(s) missing: %s",
                controls.address(0),
                seen,
                proxies,
                missing,
                answer.getCoverage()));
      }
      Thread.sleep(200); // polling the control plane; bounded by the deadline above
    }
  }

  /**
   * One weight change, waited for on every proxy. Returns the client-side and the control plane's
   * latency in milliseconds.
   */
  private double[] edit(SimulatedFleet fleet, ReportShape shape) {
    weight = weight % 999 + 1; // always differs from the last, so every edit is a new version
    long expected = currentVersion() + 1;
    SimulatedFleet.Expectation applied = fleet != null ? fleet.expect(expected) : null;
    long start = System.nanoTime();
    long version =
        admin()
            .setBackendWeight(
                SetBackendWeightRequest.newBuilder()
                    .setPool(shape.poolName(0))
                    .setAddress(shape.backendAddress(0, 0))
                    .setWeight(weight + 1)
                    .build())
            .getConfigVersion();
    if (version != expected) {
      throw new IllegalStateException(
          "expected the edit to make version "
              + expected
              + ", it made "
              + version
              + ": is something else changing the configuration?");
    }
    long end;
    WaitForAppliedResponse wait;
    try {
      if (applied != null) {
        end = applied.await(APPLY_TIMEOUT);
        wait = waitForApplied(version);
      } else {
        wait = waitForApplied(version);
        end = System.nanoTime();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (!wait.getComplete()) {
      throw new IllegalStateException("version " + version + " not applied everywhere");
    }
    double controlMs = wait.getElapsed().getSeconds() * 1e3 + wait.getElapsed().getNanos() / 1e6;
    return new double[] {(end - start) / 1e6, controlMs};
  }

  private WaitForAppliedResponse waitForApplied(long version) {
    return admin()
        .waitForApplied(
            WaitForAppliedRequest.newBuilder()
                .setConfigVersion(version)
                .setTimeout(
                    com.google.protobuf.Duration.newBuilder().setSeconds(APPLY_TIMEOUT.toSeconds()))
                .build());
  }

  private long currentVersion() {
    return admin().listPools(ListPoolsRequest.getDefaultInstance()).getConfigVersion();
  }

  private long createPools(ReportShape shape) {
    long version = 0;
    for (int p = 0; p < shape.pools(); p++) {
      CreatePoolRequest.Builder pool =
          CreatePoolRequest.newBuilder()
              .setName(shape.poolName(p))
              .setListen(":" + shape.listenPort(p));
      for (int b = 0; b < shape.backendsPerPool(); b++) {
        pool.addBackends(Backend.newBuilder().setAddress(shape.backendAddress(p, b)).setWeight(1));
      }
      version = admin().createPool(pool.build()).getConfigVersion();
    }
    return version;
  }

  private void awaitRealProxies(int proxies, long version) throws InterruptedException {
    progress(
        "waiting for %d weir-proxy processes to connect and apply version %d", proxies, version);
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      List<ProxyInfo> listed =
          admin().listProxies(ListProxiesRequest.getDefaultInstance()).getProxiesList();
      long ready =
          listed.stream()
              .filter(p -> p.getConnected() && p.getLastAppliedVersion() >= version)
              .count();
      if (ready >= proxies) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            ready
                + " of "
                + proxies
                + " weir-proxy processes connected and applied version "
                + version
                + " in 120 s");
      }
      Thread.sleep(200); // polling the control plane; bounded by the deadline above
    }
  }

  private AdminServiceBlockingStub admin() {
    return AdminServiceGrpc.newBlockingStub(adminChannel).withDeadlineAfter(90, TimeUnit.SECONDS);
  }

  private String required(String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static double sum(double[] values) {
    return Arrays.stream(values).sum();
  }

  private static double sum(long[] values) {
    return Arrays.stream(values).sum();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String pair(List<Double> values) {
    return String.format(Locale.ROOT, "%.2f,%.2f", percentile(values, 50), percentile(values, 99));
  }

  private static String triple(List<Double> values) {
    return String.format(
        Locale.ROOT,
        "%.2f,%.2f,%.2f",
        percentile(values, 50),
        percentile(values, 99),
        percentile(values, 100));
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, int percent) {
    List<Double> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "  " + format + "%n", args);
  }
}
