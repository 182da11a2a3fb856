package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.MAGLEV;
import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.proxy.relay.ProxyHeaders;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HAProxy's PROXY protocol on real connections. The echo backend sends back what it received, so
 * the client sees exactly the header the backend got.
 */
@Timeout(60)
class ProxyProtocolTest {

  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void sendsBackendsAV1HeaderWithTheClientsAddressBeforeItsBytes(Transport transport)
      throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port =
        start(
            transport,
            echo,
            ProxyProtocol.newBuilder().setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V1),
            ROUND_ROBIN);

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
      client.send("ping");
      String header = "PROXY TCP4 127.0.0.1 127.0.0.1 " + client.localPort() + " " + port + "\r\n";
      assertThat(new String(client.readExactly(header.length() + 4), US_ASCII))
          .isEqualTo(header + "ping");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void sendsBackendsAV2HeaderWithTheClientsAddress(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port =
        start(
            transport,
            echo,
            ProxyProtocol.newBuilder().setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V2),
            ROUND_ROBIN);

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
      client.send("ping");
      // v2 for TCP4: 16 bytes of preamble and 12 of addresses.
      byte[] echoed = client.readExactly(16 + 12 + 4);
      HAProxyMessage header = decode(echoed);
      try {
        assertThat(header.command()).isEqualTo(HAProxyCommand.PROXY);
        assertThat(header.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.TCP4);
        assertThat(header.sourceAddress()).isEqualTo("127.0.0.1");
        assertThat(header.sourcePort()).isEqualTo(client.localPort());
        assertThat(header.destinationPort()).isEqualTo(port);
      } finally {
        header.release();
      }
      assertThat(new String(echoed, 28, 4, US_ASCII)).isEqualTo("ping");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void takesTheClientFromAnAcceptedHeaderAndPassesItOn(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port =
        start(
            transport,
            echo,
            ProxyProtocol.newBuilder()
                .setAccept(true)
                .setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V1),
            MAGLEV);

    try (TestClient client = TestClient.connect(port)) {
      // What a balancer in front sends, with the first client bytes in the same segment.
      client.send("PROXY TCP4 203.0.113.7 127.0.0.1 40000 " + port + "\r\nping");
      assertThat(client.readLine()).isEqualTo("echo");
      String header = "PROXY TCP4 203.0.113.7 127.0.0.1 40000 " + port + "\r\n";
      assertThat(new String(client.readExactly(header.length() + 4), US_ASCII))
          .isEqualTo(header + "ping");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aLocalHeaderKeepsTheConnectionsOwnAddresses(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port =
        start(
            transport,
            echo,
            ProxyProtocol.newBuilder()
                .setAccept(true)
                .setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V1),
            ROUND_ROBIN);

    try (TestClient client = TestClient.connect(port)) {
      client.send(ProxyHeaders.local(2)); // a balancer's own health check
      client.send("ping");
      assertThat(client.readLine()).isEqualTo("echo");
      String header = "PROXY TCP4 127.0.0.1 127.0.0.1 " + client.localPort() + " " + port + "\r\n";
      assertThat(new String(client.readExactly(header.length() + 4), US_ASCII))
          .isEqualTo(header + "ping");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void closesAndCountsAConnectionWithAMalformedHeader(Transport transport) throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, ROUND_ROBIN)
                .addBackends(active(echo.address()))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setProxyProtocol(ProxyProtocol.newBuilder().setAccept(true)))));

    for (String bad :
        new String[] {
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
          "PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n",
          "PROXY TCP4 127.0.0.1 127.0.0.1 70000 2\r\n",
          "PROXY " + "x".repeat(200) + "\r\n"
        }) {
      try (TestClient client = TestClient.connect(port)) {
        client.send(bad);
        assertThat(readToEndOrReset(client)).as(bad).isEmpty();
      }
    }

    await()
        .untilAsserted(
            () ->
                assertThat(proxy.listeners().listenerStats().get(0).getProxyHeaderRejections())
                    .isEqualTo(4));
    assertThat(echo.accepted()).isZero();
  }

  private int start(
      Transport transport,
      EchoBackend echo,
      ProxyProtocol.Builder proxyProtocol,
      Algorithm algorithm)
      throws Exception {
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    int port = FreePort.find();
    proxy.apply(
        config(
            1,
            pool("web", port, algorithm)
                .addBackends(active(echo.address()))
                .setSettings(PoolSettings.newBuilder().setProxyProtocol(proxyProtocol))));
    return port;
  }

  private static String readToEndOrReset(TestClient client) throws IOException {
    ByteArrayOutputStream read = new ByteArrayOutputStream();
    try {
      for (int b; (b = client.in().read()) >= 0; ) {
        read.write(b);
      }
    } catch (SocketException reset) {
      // Closing with unread bytes in the proxy's buffer may reset; it is closed either way.
    }
    return read.toString(US_ASCII);
  }

  private static HAProxyMessage decode(byte[] bytes) {
    EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
    try {
      ByteBuf in = Unpooled.wrappedBuffer(bytes);
      channel.writeInbound(in);
      return channel.readInbound();
    } finally {
      channel.finishAndReleaseAll();
    }
  }
}
