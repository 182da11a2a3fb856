package dev.weir.proxy.relay;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendHealth;
import dev.weir.api.v1.BackendStats;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FloodBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Relaying through the proxy's listeners over real loopback sockets. */
@Timeout(120)
class LoopbackRelayTest {

  private static final int MIB = 1024 * 1024;

  private final Resources resources = new Resources();
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void closeEverything() throws Exception {
    try {
      resources.close();
    } finally {
      threads.shutdownNow();
      assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void relaysBothDirectionsAtOnceWithoutLosingAByte(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));
    TestClient client = resources.add(TestClient.connect(port));
    assertThat(client.readLine()).isEqualTo("echo");

    byte[] payload = new byte[4 * MIB];
    new Random(7).nextBytes(payload);
    // Writing everything before reading would deadlock once the buffers between fill up, so
    // this only finishes if the proxy relays both ways at once.
    Future<?> writing =
        threads.submit(
            () -> {
              OutputStream out = client.out();
              for (int off = 0; off < payload.length; off += 8192) {
                out.write(payload, off, 8192);
              }
              out.flush();
              return null;
            });
    byte[] echoed = client.readExactly(payload.length);
    writing.get(30, TimeUnit.SECONDS);

    assertThat(sha256(echoed)).isEqualTo(sha256(payload));
    await()
        .untilAsserted(
            () -> {
              BackendStats stats = proxy.stats("web", echo.address());
              assertThat(stats.getBytesToBackend()).isEqualTo(payload.length);
              assertThat(stats.getBytesToClient()).isEqualTo(payload.length + "echo\n".length());
            });
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aClientsFinReachesTheBackendWhichCanStillReply(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(echo.address()))));
    TestClient client = resources.add(TestClient.connect(port));
    assertThat(client.readLine()).isEqualTo("echo");

    client.send("question");
    client.finishSending();

    // The backend's answer to EOF proves it saw the FIN, and arriving proves the proxy kept the
    // other direction open; the end of stream after it proves the proxy then closed.
    assertThat(client.readToEnd()).isEqualTo("question" + "echo saw EOF after 8 bytes\n");
    await().until(() -> echo.openConnections() == 0);
    await().until(() -> proxy.stats("web", echo.address()).getActiveConnections() == 0);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aBackendsFinReachesTheClientWhichCanStillSend(Transport transport) throws Exception {
    ServerSocket backend = resources.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    CompletableFuture<String> backendReceived =
        CompletableFuture.supplyAsync(
            () -> {
              try (Socket s = backend.accept()) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("last word\n".getBytes(US_ASCII));
                s.shutdownOutput();
                return new String(s.getInputStream().readAllBytes(), US_ASCII);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            threads);
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    String address = "127.0.0.1:" + backend.getLocalPort();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(address))));
    TestClient client = resources.add(TestClient.connect(port));

    assertThat(client.readToEnd()).isEqualTo("last word\n");
    client.send("still talking");
    client.finishSending();

    assertThat(backendReceived.get(10, TimeUnit.SECONDS)).isEqualTo("still talking");
    await().until(() -> proxy.stats("web", address).getActiveConnections() == 0);
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aDeadBackendCostsNoClientItsConnection(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("a"));
    EchoBackend b = resources.add(new EchoBackend("b"));
    String dead = "127.0.0.1:" + FreePort.find(); // nothing listens there
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(a.address()))
                .addBackends(active(dead))
                .addBackends(active(b.address()))));

    for (int i = 0; i < 30; i++) {
      try (TestClient client = TestClient.connect(port)) {
        assertThat(client.readLine()).as("connection %d", i).isIn("a", "b");
        client.send("ping");
        assertThat(new String(client.readExactly(4), US_ASCII)).isEqualTo("ping");
      }
    }

    assertThat(a.accepted() + b.accepted()).isEqualTo(30);
    BackendStats deadStats = proxy.stats("web", dead);
    assertThat(deadStats.getConnectFailures()).isPositive();
    assertThat(deadStats.getTotalConnections()).isZero();
    // Outlier detection is on by default: five failed connects in a row eject it.
    assertThat(deadStats.getHealth()).isEqualTo(BackendHealth.EJECTED);
    assertThat(proxy.stats("web", a.address()).getConnectFailures()).isZero();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aClientIsClosedWhenNoBackendCanBeReached(Transport transport) throws Exception {
    String deadA = "127.0.0.1:" + FreePort.find();
    String deadB = "127.0.0.1:" + FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN).addBackends(active(deadA)).addBackends(active(deadB))));

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readToEnd()).isEmpty();
    }

    // Each backend was tried once, and neither twice.
    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.stats("web", deadA).getConnectFailures()).isEqualTo(1);
              assertThat(proxy.stats("web", deadB).getConnectFailures()).isEqualTo(1);
            });
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aClientThatStopsReadingStopsTheProxyReadingTheBackend(Transport transport) throws Exception {
    long total = 64L * MIB;
    FloodBackend flood = resources.add(new FloodBackend(total));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(config(1, pool("web", port, ROUND_ROBIN).addBackends(active(flood.address()))));
    TestClient client = resources.add(TestClient.connect(port, 64 * 1024));

    // The client reads nothing. Wait until the backend can write no more.
    Plateau plateau = new Plateau();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> plateau.reached(flood.sent()));

    assertThat(flood.sent()).as("bytes the backend got to write").isLessThan(total);
    // Everything the proxy read from the backend is in the kernel's buffers on the way to the
    // client or in the proxy's own, which the water marks bound. Loopback buffers autotune to
    // megabytes, so only what is beyond the kernel's share is the proxy's.
    long relayed = proxy.stats("web", flood.address()).getBytesToClient();
    long kernelMayHold = maxAutotunedSendBuffer() + 2L * client.receiveBufferSize();
    assertThat(relayed - kernelMayHold)
        .as("bytes read from the backend beyond what the kernel buffers (%d relayed)", relayed)
        .isLessThan(MIB);

    InputStream in = client.in();
    byte[] buf = new byte[64 * 1024];
    long position = 0;
    for (int n; (n = in.read(buf)) >= 0; ) {
      for (int i = 0; i < n; i++) {
        if (buf[i] != FloodBackend.content(position + i)) {
          throw new AssertionError("byte " + (position + i) + " differs");
        }
      }
      position += n;
    }
    assertThat(position).isEqualTo(total);
  }

  /** The most a TCP send buffer grows to on its own: tcp_wmem's maximum on Linux. */
  private static long maxAutotunedSendBuffer() throws Exception {
    Path wmem = Path.of("/proc/sys/net/ipv4/tcp_wmem");
    if (!Files.isReadable(wmem)) {
      return 4L * MIB; // Linux's default
    }
    // readAllLines, not readString: procfs reports size 0 and readString then stops early.
    String[] minDefaultMax = Files.readAllLines(wmem).get(0).trim().split("\\s+");
    return Long.parseLong(minDefaultMax[2]);
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  /** True once a growing value has stopped changing for a few polls in a row. */
  private static final class Plateau {
    private long last = -1;
    private int unchanged;

    boolean reached(long value) {
      if (value > 0 && value == last) {
        unchanged++;
      } else {
        unchanged = 0;
      }
      last = value;
      return unchanged >= 4;
    }
  }
}
