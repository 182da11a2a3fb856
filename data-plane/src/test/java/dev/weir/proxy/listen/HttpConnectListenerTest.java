package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.draining;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.HttpConnect;
import dev.weir.api.v1.ListenerStats;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP CONNECT listeners on real connections: two pools behind one port, each reached by the target
 * the client names. The echo backends greet with their name, then send back what they receive, so
 * the client sees which pool it reached and that its bytes arrived intact.
 */
@Timeout(60)
class HttpConnectListenerTest {

  private static final String ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void tunnelsEachTargetToItsPoolWithPipelinedBytesIntact(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("echo-a"));
    EchoBackend b = resources.add(new EchoBackend("echo-b"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(
        config(
            1,
            connectPool("alpha", port, a.address()),
            connectPool(
                "beta", port, b.address(), "beta:" + port, "DB.internal:5432", "10.1.2.3:443"),
            connectPool("gamma", port, b.address(), "gamma.example:80")));

    // alpha lists no authorities, so it answers to its name and port; beta lists its own.
    assertTunnel(port, "alpha:" + port, "echo-a");
    assertTunnel(port, "beta:" + port, "echo-b");
    assertTunnel(port, "db.INTERNAL:5432", "echo-b");
    assertTunnel(port, "10.1.2.3:443", "echo-b");
    assertTunnel(port, "gamma.example:80", "echo-b");
    // Listed authorities replace the default: gamma does not answer to its name.
    assertThat(exchange(port, "CONNECT gamma:" + port + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 403 ");

    // Bytes relayed through the tunnel count for the backend as on a plain pool.
    await()
        .untilAsserted(
            () ->
                assertThat(proxy.stats("beta", b.address()).getBytesToBackend()).isGreaterThan(0));
    assertThat(proxy.listeners().boundAddresses()).containsOnlyKeys("alpha", "beta", "gamma");
    assertThat(proxy.listeners().listenerStats())
        .singleElement()
        .satisfies(s -> assertThat(s.getPool()).isEqualTo("alpha,beta,gamma"));
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void bulkBytesSentRightBehindTheHeadArriveIntact(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("echo-a"));
    int port = FreePort.find();
    resources
        .add(new LoopbackProxy(transport))
        .apply(config(1, connectPool("alpha", port, a.address())));
    byte[] payload = new byte[512 * 1024];
    new Random(7).nextBytes(payload);

    try (TestClient client = TestClient.connect(port)) {
      byte[] head =
          ("CONNECT alpha:" + port + " HTTP/1.1\r\nHost: alpha:" + port + "\r\n\r\n")
              .getBytes(US_ASCII);
      byte[] first = new byte[head.length + payload.length];
      System.arraycopy(head, 0, first, 0, head.length);
      System.arraycopy(payload, 0, first, head.length, payload.length);
      Thread writer =
          new Thread(
              () -> {
                try {
                  client.send(
                      first); // head and payload in one write: the proxy reads them together
                  client.finishSending();
                } catch (IOException e) {
                  throw new RuntimeException(e);
                }
              });
      writer.start();
      assertThat(new String(client.readExactly(ESTABLISHED.length()), US_ASCII))
          .isEqualTo(ESTABLISHED);
      assertThat(client.readLine()).isEqualTo("echo-a");
      assertThat(client.readExactly(payload.length)).isEqualTo(payload);
      assertThat(client.readLine()).isEqualTo("echo-a saw EOF after " + payload.length + " bytes");
      writer.join();
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void refusesOtherTargetsAndRequestsAndCountsThem(Transport transport) throws Exception {
    EchoBackend a = resources.add(new EchoBackend("echo-a"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(config(1, connectPool("alpha", port, a.address())));

    assertThat(exchange(port, "CONNECT evil.example:443 HTTP/1.1\r\nHost: x\r\n\r\n"))
        .startsWith("HTTP/1.1 403 Forbidden\r\n");
    assertThat(exchange(port, "CONNECT alpha:" + (port == 1 ? 2 : port - 1) + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 403 Forbidden\r\n");
    await().untilAsserted(() -> assertThat(stats(proxy).getConnectForbidden()).isEqualTo(2));

    assertThat(exchange(port, "GET http://alpha:" + port + "/ HTTP/1.1\r\nHost: alpha\r\n\r\n"))
        .startsWith("HTTP/1.1 405 Method Not Allowed\r\n")
        .contains("Allow: CONNECT\r\n");
    for (String bad :
        new String[] {
          "CONNECT alpha:" + port + "\r\n\r\n", // no version
          "CONNECT alpha HTTP/1.1\r\n\r\n", // no port
          "CONNECT /alpha:" + port + " HTTP/1.1\r\n\r\n", // not authority-form
          "CONNECT alpha:" + port + " HTTP/1.1\r\n folded\r\n\r\n", // obs-fold
          "CONNECT alpha:" + port + " HTTP/1.1\r\nX: \0\r\n\r\n", // a control character
          "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\r\n\r\n"
        }) { // TLS, not HTTP
      assertThat(exchange(port, bad)).as(bad).startsWith("HTTP/1.1 400 Bad Request\r\n");
    }
    // A head that never ends within 8 KiB: refused without waiting for the rest.
    assertThat(
            exchange(
                port,
                "CONNECT alpha:"
                    + port
                    + " HTTP/1.1\r\n"
                    + ("X-Padding: " + "p".repeat(100) + "\r\n").repeat(90)))
        .startsWith("HTTP/1.1 400 Bad Request\r\n");

    await()
        .untilAsserted(
            () -> {
              ListenerStats stats = stats(proxy);
              assertThat(stats.getConnectRejected()).isEqualTo(8);
              assertThat(stats.getActiveConnections()).isZero();
            });
    assertThat(a.accepted()).isZero();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void answers503WithNoBackendToPickAnd502WhenNoneCanBeReached(Transport transport)
      throws Exception {
    int port = FreePort.find();
    int nothingListens = FreePort.find();
    EchoBackend gone = resources.add(new EchoBackend("gone"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(
        config(
            1,
            connectPool("drained", port, gone.address()).setBackends(0, draining(gone.address())),
            connectPool("dead", port, "127.0.0.1:" + nothingListens)));

    assertThat(exchange(port, "CONNECT drained:" + port + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 503 Service Unavailable\r\n");
    assertThat(exchange(port, "CONNECT dead:" + port + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 502 Bad Gateway\r\n");
    await().untilAsserted(() -> assertThat(stats(proxy).getNoBackendConnections()).isEqualTo(2));
    assertThat(proxy.stats("dead", "127.0.0.1:" + nothingListens).getConnectFailures())
        .isEqualTo(1);
    assertThat(gone.accepted()).isZero();
  }

  @Test
  void aPlainPoolBesideItIsUntouched() throws Exception {
    EchoBackend a = resources.add(new EchoBackend("echo-a"));
    EchoBackend plain = resources.add(new EchoBackend("plain"));
    int connectPort = FreePort.find();
    int plainPort = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(
        config(
            1,
            connectPool("alpha", connectPort, a.address()),
            pool("plain", plainPort, ROUND_ROBIN).addBackends(active(plain.address()))));

    try (TestClient client = TestClient.connect(plainPort)) {
      client.send("CONNECT alpha:" + connectPort + " HTTP/1.1\r\n\r\n");
      assertThat(client.readLine()).isEqualTo("plain");
      String sent = "CONNECT alpha:" + connectPort + " HTTP/1.1\r\n\r\n";
      assertThat(new String(client.readExactly(sent.length()), US_ASCII)).isEqualTo(sent);
    }
    assertTunnel(connectPort, "alpha:" + connectPort, "echo-a");
  }

  @Test
  void aPoolSwitchedToConnectModeKeepsItsSocket() throws Exception {
    EchoBackend a = resources.add(new EchoBackend("echo-a"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, pool("alpha", port, ROUND_ROBIN).addBackends(active(a.address()))));
    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo-a");
    }

    proxy.apply(config(2, connectPool("alpha", port, a.address())));
    assertTunnel(port, "alpha:" + port, "echo-a");
  }

  private static Pool.Builder connectPool(
      String name, int port, String backend, String... authorities) {
    return pool(name, port, ROUND_ROBIN)
        .addBackends(active(backend))
        .setSettings(
            PoolSettings.newBuilder()
                .setHttpConnect(
                    HttpConnect.newBuilder()
                        .setEnabled(true)
                        .addAllAuthorities(java.util.List.of(authorities))));
  }

  /** CONNECT to {@code target} reaches {@code backend}, bytes sent with the head included. */
  private static void assertTunnel(int port, String target, String backend) throws IOException {
    try (TestClient client = TestClient.connect(port)) {
      client.send(
          "CONNECT "
              + target
              + " HTTP/1.1\r\nHost: "
              + target
              + "\r\nProxy-Connection: keep-alive\r\n\r\nping\n");
      assertThat(new String(client.readExactly(ESTABLISHED.length()), US_ASCII))
          .isEqualTo(ESTABLISHED);
      assertThat(client.readLine()).isEqualTo(backend);
      assertThat(client.readLine()).isEqualTo("ping");
      client.send("pong\n");
      assertThat(client.readLine()).isEqualTo("pong");
    }
  }

  /** Sends {@code request} and reads until the proxy closes. */
  private static String exchange(int port, String request) throws IOException {
    try (TestClient client = TestClient.connect(port)) {
      client.send(request);
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      try {
        for (int b; (b = client.in().read()) >= 0; ) {
          read.write(b);
        }
      } catch (SocketException reset) {
        // Closing with unread bytes in the proxy's buffer may reset after the answer.
      }
      return read.toString(US_ASCII);
    }
  }

  private static ListenerStats stats(LoopbackProxy proxy) {
    return proxy.listeners().listenerStats().get(0);
  }
}
