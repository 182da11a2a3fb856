package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.ConnectionInfo;
import dev.weir.api.v1.ConnectionList;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.TlsRouting;
import dev.weir.proxy.testing.ClientHellos;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS routing listeners on real connections: pools behind one port, each reached by the server name
 * in a real ClientHello. The echo backends greet with their name, then send back what they receive,
 * so the client sees which pool it reached and that its ClientHello arrived intact.
 */
@Timeout(60)
class TlsRoutingListenerTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void routesEachServerNameToItsPoolExactBeforeLongestWildcardBeforeDefault(Transport transport)
      throws Exception {
    EchoBackend db = resources.add(new EchoBackend("db"));
    EchoBackend shop = resources.add(new EchoBackend("shop"));
    EchoBackend eu = resources.add(new EchoBackend("eu"));
    EchoBackend other = resources.add(new EchoBackend("other"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(
        config(
            1,
            tlsPool("db", port, db.address(), false, "db.example.com"),
            tlsPool("shop", port, shop.address(), false, "*.example.com", "Shop.Example.Org"),
            tlsPool("eu", port, eu.address(), false, "*.eu.example.com"),
            tlsPool("other", port, other.address(), true)));

    assertRouted(port, "db.example.com", "db");
    assertRouted(port, "DB.example.com", "db");
    assertRouted(port, "www.example.com", "shop");
    assertRouted(port, "a.b.example.com", "shop");
    assertRouted(port, "shop.example.org", "shop");
    assertRouted(port, "api.eu.example.com", "eu");
    assertRouted(port, "example.com", "other");
    assertRouted(port, null, "other");

    assertThat(proxy.listeners().listenerStats())
        .singleElement()
        .satisfies(s -> assertThat(s.getPool()).isEqualTo("db,shop,eu,other"));
  }

  @Test
  void theOperatorViewShowsEachConnectionsServerName() throws Exception {
    EchoBackend db = resources.add(new EchoBackend("db"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, tlsPool("db", port, db.address(), true, "*.example.com")));

    try (TestClient named = TestClient.connect(port);
        TestClient unnamed = TestClient.connect(port)) {
      named.send(ClientHellos.of("Db.Example.com"));
      unnamed.send(ClientHellos.of(null));
      assertThat(named.readLine()).isEqualTo("db");
      assertThat(unnamed.readLine()).isEqualTo("db");

      ConnectionList list =
          proxy.listeners().listConnections("db", "", 10).get(10, TimeUnit.SECONDS);
      assertThat(list.getConnectionsList())
          .extracting(ConnectionInfo::getServerName)
          .containsExactlyInAnyOrder("db.example.com", "");
    }
  }

  @Test
  void everyRoutedConnectionGivesItsPlaceBackWhenItCloses() throws Exception {
    EchoBackend db = resources.add(new EchoBackend("db"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, tlsPool("db", port, db.address(), false, "db.example.com")));

    for (int i = 0; i < 300; i++) {
      assertRouted(port, "db.example.com", "db");
    }

    await()
        .untilAsserted(
            () -> {
              assertThat(proxy.listeners().listenerStats().get(0).getActiveConnections()).isZero();
              assertThat(proxy.listeners().budget().active()).isZero();
            });
  }

  @Test
  void closesANameNoPoolTakesWithoutABackendSeeingAByte() throws Exception {
    EchoBackend db = resources.add(new EchoBackend("db"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, tlsPool("db", port, db.address(), false, "db.example.com")));

    try (TestClient client = TestClient.connect(port)) {
      client.send(ClientHellos.of("evil.example.com"));
      // A fatal TLS alert, unrecognized_name, then the end.
      assertThat(client.in().readAllBytes())
          .isEqualTo(new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70});
    }
    try (TestClient client = TestClient.connect(port)) {
      client.send("SSH-2.0-OpenSSH_9.6\r\n");
      assertThat(client.readToEnd()).isEmpty();
    }

    await()
        .untilAsserted(
            () -> {
              ListenerStats stats = proxy.listeners().listenerStats().get(0);
              assertThat(stats.getSniUnmatched()).isEqualTo(1);
              assertThat(stats.getSniRejected()).isEqualTo(1);
              assertThat(stats.getActiveConnections()).isZero();
            });
    assertThat(db.accepted()).isZero();
  }

  @Test
  void aPoolSwitchedFromPlainToTlsRoutingKeepsItsSocket() throws Exception {
    EchoBackend db = resources.add(new EchoBackend("db"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, pool("db", port, ROUND_ROBIN).addBackends(active(db.address()))));
    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("db");
    }

    proxy.apply(config(2, tlsPool("db", port, db.address(), false, "db.example.com")));

    assertRouted(port, "db.example.com", "db");
  }

  private static Pool.Builder tlsPool(
      String name, int port, String backend, boolean isDefault, String... serverNames) {
    return pool(name, port, ROUND_ROBIN)
        .addBackends(active(backend))
        .setSettings(
            PoolSettings.newBuilder()
                .setTlsRouting(
                    TlsRouting.newBuilder()
                        .setEnabled(true)
                        .setDefaultPool(isDefault)
                        .addAllServerNames(List.of(serverNames))));
  }

  /** A ClientHello for {@code serverName} reaches {@code backend}, byte for byte. */
  private static void assertRouted(int port, String serverName, String backend) throws IOException {
    byte[] hello = ClientHellos.of(serverName);
    try (TestClient client = TestClient.connect(port)) {
      client.send(hello);
      assertThat(client.readLine()).as("backend for %s", serverName).isEqualTo(backend);
      assertThat(client.readExactly(hello.length)).isEqualTo(hello);
    }
  }
}
