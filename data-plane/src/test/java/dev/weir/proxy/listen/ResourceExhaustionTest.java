package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.weir.api.v1.Limits;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.relay.RelaySettings;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.ManyConnectionsBackend;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Thousands of idle and slow connections against a proxy with a per-listener and a proxy-wide cap:
 * the caps refuse the excess and count it, a normal client still gets its echo, and the proxy's
 * pooled buffer memory stays under a bound that follows from the water marks.
 */
@Timeout(180)
class ResourceExhaustionTest {
  private static final int EVENT_LOOPS = 2;
  private static final int WEB_CAP = 2_000;
  private static final int GLOBAL_CAP = 2_500;
  private static final int EXCESS = 100;
  private static final int SLOW_READERS = 20;
  private static final int TRICKLERS = 20;

  /** Sockets in this JVM per admitted connection: client, proxy's two, backend's. */
  private static final int FDS_PER_CONNECTION = 4;

  /** The largest read the proxy's channels make. */
  private static final int MAX_READ_BYTES = RelaySettings.MAX_READ_BYTES;

  private final Resources resources = new Resources();
  private final List<SocketChannel> clients = new ArrayList<>();

  @AfterEach
  void closeEverything() throws Exception {
    for (SocketChannel client : clients) {
      client.close();
    }
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void idleAndSlowConnectionsByTheThousandLeaveRoomForANormalClientAndBoundedMemory(
      Transport transport) throws Exception {
    long fdLimit =
        ((UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getMaxFileDescriptorCount();
    long fdsNeeded = (long) (GLOBAL_CAP + 2 * EXCESS) * FDS_PER_CONNECTION + 1_000;
    assumeThat(fdLimit)
        .as("open-file limit (ulimit -n) for %d sockets", fdsNeeded)
        .isGreaterThanOrEqualTo(fdsNeeded);

    ManyConnectionsBackend echo = resources.add(ManyConnectionsBackend.echo("echo"));
    ManyConnectionsBackend flood = resources.add(ManyConnectionsBackend.flood("flood"));
    EventLoopGroup group = transport.newEventLoopGroup(EVENT_LOOPS, "test-relay");
    resources.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly());
    ConnectionBudget budget = new ConnectionBudget(GLOBAL_CAP);
    Pools proxy =
        resources.add(
            new Pools(
                group,
                transport,
                EVENT_LOOPS,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                null,
                budget));
    int web = FreePort.find();
    int bulk = FreePort.find();
    int slow = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", web, ROUND_ROBIN)
                .addBackends(active(echo.address()))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setLimits(Limits.newBuilder().setMaxConnections(WEB_CAP))),
            pool("bulk", bulk, ROUND_ROBIN).addBackends(active(echo.address())),
            pool("slow", slow, ROUND_ROBIN).addBackends(active(flood.address()))));
    // Bytes in live buffers (what the allocator's chunks hold for them), not the chunks: those
    // stay allocated after earlier tests in this JVM and would hide growth here.
    PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    long before = allocator.pinnedDirectMemory();

    // Idle clients past the web pool's own cap: it refuses the excess.
    open(web, WEB_CAP + EXCESS);
    await()
        .until(
            () ->
                listener(proxy, "web").getRefusedConnections() == EXCESS
                    && listener(proxy, "web").getActiveConnections() == WEB_CAP);

    // Slow readers: the backend sends as fast as the proxy takes it; the client reads nothing.
    open(slow, SLOW_READERS);
    await().until(() -> flood.stalledConnections() == SLOW_READERS);
    // Tricklers: a byte every 100 ms each, answered by the echo backend.
    List<SocketChannel> tricklers = open(bulk, TRICKLERS);
    ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
    resources.add(trickle::shutdownNow);
    trickle.scheduleAtFixedRate(() -> trickleOneByte(tricklers), 0, 100, TimeUnit.MILLISECONDS);

    long admitted = WEB_CAP + SLOW_READERS + TRICKLERS;
    await().until(() -> budget.active() == admitted);
    try (TestClient normal = TestClient.connect(bulk)) {
      assertThat(normal.readLine()).isEqualTo("echo");
      normal.send("hello\n");
      assertThat(normal.readLine()).isEqualTo("hello");

      // Idle clients up to the proxy-wide cap, and past it: refused there, whatever the pool.
      open(bulk, (int) (GLOBAL_CAP - admitted - 1));
      await().until(() -> budget.active() == GLOBAL_CAP);
      open(bulk, EXCESS);
      await().until(() -> budget.refused() == EXCESS);
      assertThat(listener(proxy, "bulk").getRefusedConnections()).isEqualTo(EXCESS);
      assertThat(budget.active()).isEqualTo(GLOBAL_CAP);

      // An established client is still served with every slot taken.
      normal.send("still here\n");
      assertThat(normal.readLine()).isEqualTo("still here");
    }
    // Its slot is free again for the next one.
    await().until(() -> budget.active() == GLOBAL_CAP - 1);
    try (TestClient next = TestClient.connect(bulk)) {
      assertThat(next.readLine()).isEqualTo("echo");
      next.send("next\n");
      assertThat(next.readLine()).isEqualTo("next");
    }
    assertThat(flood.stalledConnections())
        .as("slow readers still held back")
        .isEqualTo(SLOW_READERS);
    assertThat(echo.openConnections() + flood.openConnections()).isLessThanOrEqualTo(GLOBAL_CAP);

    // Each slow reader holds at most a water mark plus one read of backend bytes in the proxy,
    // in each direction at most; so does anything else with traffic in flight (tricklers hold a
    // byte). Idle connections hold no buffer. Twice that for rounding up to size classes (at most
    // a quarter).
    long perConnection = 2L * (PoolOptions.DEFAULT_WRITE_BUFFER_HIGH_BYTES + MAX_READ_BYTES);
    long bound = 2 * (SLOW_READERS + TRICKLERS) * perConnection;
    long used = allocator.pinnedDirectMemory() - before;
    System.out.printf(
        "%s: %d connections open, %d refused by the listener cap, %d by the "
            + "proxy cap; pooled direct memory in live buffers %d KiB (bound %d KiB; chunks "
            + "allocated %d KiB)%n",
        transport.name(),
        budget.active(),
        EXCESS,
        budget.refused(),
        used / 1024,
        bound / 1024,
        allocator.metric().usedDirectMemory() / 1024);
    assertThat(used).isLessThanOrEqualTo(bound);
  }

  private List<SocketChannel> open(int port, int count) throws IOException {
    List<SocketChannel> opened = new ArrayList<>(count);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    for (int i = 0; i < count; i++) {
      SocketChannel client = SocketChannel.open();
      clients.add(client);
      try {
        client.connect(address);
      } catch (SocketException reset) {
        // A refused connection's reset can come before connect() has returned; the counts
        // the test awaits tell refused from admitted.
      }
      opened.add(client);
    }
    return opened;
  }

  private static void trickleOneByte(List<SocketChannel> tricklers) {
    for (SocketChannel client : tricklers) {
      try {
        client.write(ByteBuffer.wrap(new byte[] {'.'}));
      } catch (IOException e) {
        // Closed at the end of the test.
      }
    }
  }

  private static ListenerStats listener(Pools proxy, String pool) {
    return proxy.listenerStats().stream()
        .filter(s -> s.getPool().equals(pool))
        .findFirst()
        .orElseThrow();
  }
}
