package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.ConnectionCloseResult;
import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ConnectionState;
import dev.weir.api.v1.ListenerStats;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Listing and closing client connections on real sockets: pool "web" relays to backend a, pool
 * "api" to backend b; each echo backend first sends its name and a newline.
 */
@Timeout(60)
class OpenConnectionsTest {

  private final Resources resources = new Resources();
  private EchoBackend a;
  private EchoBackend b;
  private LoopbackProxy proxy;
  private int webPort;
  private int apiPort;

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void listsEveryConnectionWithItsPoolBackendClientAndExactByteCounts(Transport transport)
      throws Exception {
    start(transport);
    TestClient first = client(webPort, "a");
    TestClient second = client(webPort, "a");
    TestClient third = client(apiPort, "b");
    byte[] payload = new byte[10_000];
    Arrays.fill(payload, (byte) 'x');
    first.send(payload);
    assertThat(first.readExactly(payload.length)).isEqualTo(payload);

    ConnectionList all = list("", "", 0);

    assertThat(all.getTruncated()).isFalse();
    assertThat(all.getConnectionsList())
        .extracting(ConnectionInfo::getClientAddress)
        .containsExactly(
            "127.0.0.1:" + first.localPort(),
            "127.0.0.1:" + second.localPort(),
            "127.0.0.1:" + third.localPort());
    ConnectionInfo one = all.getConnections(0);
    assertThat(one.getPool()).isEqualTo("web");
    assertThat(one.getBackendAddress()).isEqualTo(a.address());
    assertThat(one.getListenAddress()).isEqualTo("127.0.0.1:" + webPort);
    assertThat(one.getBytesFromClient()).isEqualTo(10_000);
    assertThat(one.getBytesToClient()).isEqualTo(2 + 10_000); // "a\n", then the echo
    assertThat(one.getState()).isEqualTo(ConnectionState.OPEN);
    assertThat(one.getOpenedAt().getSeconds()).isPositive();
    assertThat(all.getConnections(1).getBytesFromClient()).isZero();
    assertThat(all.getConnections(1).getBytesToClient()).isEqualTo(2);
    assertThat(all.getConnections(2).getPool()).isEqualTo("api");
    assertThat(all.getConnections(2).getBackendAddress()).isEqualTo(b.address());
    assertThat(all.getConnectionsList())
        .extracting(ConnectionInfo::getSequence)
        .doesNotHaveDuplicates()
        .isSorted();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void filtersByPoolAndBackendAndCutsAtTheLimit(Transport transport) throws Exception {
    start(transport);
    TestClient first = client(webPort, "a");
    TestClient second = client(webPort, "a");
    TestClient third = client(apiPort, "b");

    assertThat(ports(list("api", "", 0))).containsExactly(third.localPort());
    assertThat(ports(list("", a.address(), 0)))
        .containsExactly(first.localPort(), second.localPort());
    assertThat(ports(list("web", b.address(), 0))).isEmpty();
    ConnectionList limited = list("", "", 2);
    assertThat(limited.getTruncated()).isTrue();
    assertThat(ports(limited)).containsExactly(first.localPort(), second.localPort());
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void closingOneConnectionEndsExactlyThatClientWithFin(Transport transport) throws Exception {
    start(transport);
    TestClient first = client(webPort, "a");
    TestClient second = client(webPort, "a");
    TestClient third = client(apiPort, "b");
    long target = list("", "", 0).getConnections(1).getSequence();

    ConnectionCloseResult closed =
        proxy.listeners().closeConnection(target).get(10, TimeUnit.SECONDS);

    assertThat(closed.getFound()).isTrue();
    assertThat(closed.getConnection().getClientAddress())
        .isEqualTo("127.0.0.1:" + second.localPort());
    assertThat(second.in().read()).as("end of stream, not a reset").isEqualTo(-1);
    for (TestClient other : List.of(first, third)) {
      other.send("still here");
      assertThat(new String(other.readExactly(10), US_ASCII)).isEqualTo("still here");
    }
    await().until(() -> ports(list("", "", 0)).size() == 2);
    assertThat(ports(list("", "", 0))).containsExactly(first.localPort(), third.localPort());
    assertThat(proxy.listeners().listenerStats())
        .filteredOn(s -> s.getPool().equals("web"))
        .extracting(ListenerStats::getOperatorClosedConnections)
        .containsExactly(1L);
    assertThat(proxy.listeners().closeConnection(target).get(10, TimeUnit.SECONDS).getFound())
        .as("already closed")
        .isFalse();
  }

  private void start(Transport transport) throws Exception {
    a = resources.add(new EchoBackend("a"));
    b = resources.add(new EchoBackend("b"));
    proxy = resources.add(new LoopbackProxy(transport));
    webPort = FreePort.find();
    apiPort = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", webPort, ROUND_ROBIN).addBackends(active(a.address())),
            pool("api", apiPort, ROUND_ROBIN).addBackends(active(b.address()))));
  }

  /** A client whose connection has reached {@code backend} (it read the backend's name). */
  private TestClient client(int port, String backend) throws Exception {
    TestClient client = resources.add(TestClient.connect(port));
    assertThat(client.readLine()).isEqualTo(backend);
    return client;
  }

  private ConnectionList list(String pool, String backend, int limit) {
    try {
      return proxy.listeners().listConnections(pool, backend, limit).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Integer> ports(ConnectionList list) {
    return list.getConnectionsList().stream()
        .map(c -> Integer.parseInt(c.getClientAddress().substring("127.0.0.1:".length())))
        .toList();
  }
}
