package dev.weir.proxy.listen;

import static dev.weir.api.v1.Algorithm.ROUND_ROBIN;
import static dev.weir.proxy.testing.Snapshots.active;
import static dev.weir.proxy.testing.Snapshots.config;
import static dev.weir.proxy.testing.Snapshots.pool;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.BackendTls;
import dev.weir.api.v1.Certificate;
import dev.weir.api.v1.ClientAuth;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.Pool;
import dev.weir.api.v1.PoolSettings;
import dev.weir.api.v1.ProxyProtocol;
import dev.weir.api.v1.ProxyProtocolVersion;
import dev.weir.api.v1.TlsRouting;
import dev.weir.api.v1.TlsTermination;
import dev.weir.proxy.config.InvalidConfigException;
import dev.weir.proxy.config.SnapshotValidator;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.LoopbackProxy;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.TestCertificates;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxySSLTLV;
import io.netty.handler.codec.haproxy.HAProxyTLV;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS terminated by the proxy on real connections: a JDK TLS client that verifies the proxy's
 * certificate against a test CA, and plain echo backends that see the client's plaintext.
 */
@Timeout(60)
class TlsTerminationListenerTest {

  private final Resources resources = new Resources();
  @TempDir Path dir;
  private TestCertificates ca;
  private SSLContext client;

  @BeforeEach
  void makeCa() throws Exception {
    ca = new TestCertificates(dir, "edge");
    client = ca.clientContext();
  }

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void terminatesTlsAndRelaysThePlaintextToThePlainBackend(Transport transport) throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(config(1, terminating("web", port, web.address(), cert)));

    try (Session session = Session.open(client, port, "web.example.com")) {
      assertThat(session.peerSubject()).isEqualTo("CN=web.example.com");
      assertThat(session.readLine()).isEqualTo("web");
      session.send("hello through TLS\n");
      assertThat(session.readLine()).isEqualTo("hello through TLS");
    }
  }

  @ParameterizedTest(name = "over {0}")
  @MethodSource("dev.weir.proxy.testing.Transports#available")
  void aBackendThatClosesFirstEndsTheClientsTlsWithCloseNotify(Transport transport)
      throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    // The JDK's server sends the head and the body in separate writes, then closes at once:
    // the body and the FIN reach the proxy together.
    com.sun.net.httpserver.HttpServer web =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 10);
    web.createContext(
        "/",
        exchange -> {
          byte[] body = "web\n".getBytes(US_ASCII);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    web.start();
    resources.add(() -> web.stop(0));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(transport));
    proxy.apply(
        config(1, terminating("web", port, "127.0.0.1:" + web.getAddress().getPort(), cert)));

    // OpenSSL reports a close without close_notify ("unexpected eof while reading"): a client
    // cannot tell it from a truncation attack. The JDK's client lets it pass.
    Process sClient =
        new ProcessBuilder(
                "openssl",
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-servername",
                "web.example.com",
                "-CAfile",
                ca.caFile().toString(),
                "-verify_return_error",
                "-ign_eof",
                "-brief")
            .redirectErrorStream(true)
            .start();
    sClient
        .getOutputStream()
        .write("GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n".getBytes(US_ASCII));
    sClient.getOutputStream().close();
    String output = new String(sClient.getInputStream().readAllBytes(), US_ASCII);
    assertThat(sClient.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    // The body, which came with the backend's FIN, arrives whole before the close_notify.
    assertThat(output).contains("HTTP/1.1 200", "\r\n\r\nweb\n").doesNotContain("unexpected eof");
  }

  @Test
  void choosesTheCertificateByServerNameAndTheFirstForAnyOtherName() throws Exception {
    Path first = ca.issue("first", "a.example.com");
    Path wildcard = ca.issue("wild", "*.b.example.com");
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, terminating("web", port, web.address(), first, wildcard)));

    assertThat(subjectFor(port, "x.b.example.com")).isEqualTo("CN=*.b.example.com");
    assertThat(subjectFor(port, "a.example.com")).isEqualTo("CN=a.example.com");
    assertThat(subjectFor(port, null)).isEqualTo("CN=a.example.com");
  }

  @Test
  void aPoolRoutedByServerNameTerminatesOnTheSharedPort() throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    EchoBackend web = resources.add(new EchoBackend("web"));
    EchoBackend db = resources.add(new EchoBackend("db"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    Pool.Builder terminated = terminating("web", port, web.address(), cert);
    terminated
        .getSettingsBuilder()
        .setTlsRouting(TlsRouting.newBuilder().setEnabled(true).addServerNames("web.example.com"));
    proxy.apply(
        config(
            1,
            terminated,
            pool("db", port, ROUND_ROBIN)
                .addBackends(active(db.address()))
                .setSettings(
                    PoolSettings.newBuilder()
                        .setTlsRouting(
                            TlsRouting.newBuilder()
                                .setEnabled(true)
                                .addServerNames("db.example.com")))));

    try (Session session = Session.open(client, port, "web.example.com")) {
      assertThat(session.peerSubject()).isEqualTo("CN=web.example.com");
      assertThat(session.readLine()).isEqualTo("web");
    }
    try (TestClient passthrough = TestClient.connect(port)) {
      passthrough.send(dev.weir.proxy.testing.ClientHellos.of("db.example.com"));
      assertThat(passthrough.readLine()).isEqualTo("db");
    }
  }

  @Test
  void aClientThatSpeaksNoTlsIsCountedAndNeverReachesABackend() throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, terminating("web", port, web.address(), cert)));

    try (TestClient plain = TestClient.connect(port)) {
      plain.send("GET / HTTP/1.1\r\n\r\n");
      plain.readToEnd();
    }

    await()
        .untilAsserted(
            () ->
                assertThat(proxy.listeners().listenerStats().get(0).getTlsHandshakeFailures())
                    .isEqualTo(1));
    assertThat(web.accepted()).isZero();
  }

  @Test
  void aChangedCertificateServesNewConnectionsWhileOpenOnesKeepWorking() throws Exception {
    Path live = dir.resolve("live.pem");
    Path liveKey = dir.resolve("live.key");
    install(ca.issueWithSubject("v1", "/CN=web v1", "web.example.com"), live, liveKey);
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, terminating("web", port, web.address(), live)));

    try (Session open = Session.open(client, port, "web.example.com")) {
      assertThat(open.peerSubject()).isEqualTo("CN=web v1");
      assertThat(open.readLine()).isEqualTo("web");

      install(ca.issueWithSubject("v2", "/CN=web v2", "web.example.com"), live, liveKey);
      proxy.listeners().certificateWatcher().refreshAll();

      assertThat(subjectFor(port, "web.example.com")).isEqualTo("CN=web v2");
      open.send("still here\n");
      assertThat(open.readLine()).isEqualTo("still here");
    }
    assertThat(proxy.listeners().certificateExpiries().get("web"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.notAfter())
                    .isEqualTo(TestCertificates.read(live).getNotAfter().toInstant()));
  }

  @Test
  void aBrokenNewCertificateIsCountedAndTheOldOneKeepsServing() throws Exception {
    Path live = dir.resolve("live.pem");
    Path liveKey = dir.resolve("live.key");
    install(ca.issueWithSubject("v1", "/CN=web v1", "web.example.com"), live, liveKey);
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    proxy.apply(config(1, terminating("web", port, web.address(), live)));

    // A new certificate whose key has not arrived yet: the pair no longer matches.
    Path v2 = ca.issueWithSubject("v2", "/CN=web v2", "web.example.com");
    Files.copy(v2, live, StandardCopyOption.REPLACE_EXISTING);
    proxy.listeners().certificateWatcher().refreshAll();

    assertThat(subjectFor(port, "web.example.com")).isEqualTo("CN=web v1");
    assertThat(proxy.listeners().listenerStats().get(0).getTlsReloadFailures()).isEqualTo(1);

    Files.copy(TestCertificates.keyOf(v2), liveKey, StandardCopyOption.REPLACE_EXISTING);
    proxy.listeners().certificateWatcher().refreshAll();
    assertThat(subjectFor(port, "web.example.com")).isEqualTo("CN=web v2");
  }

  @Test
  void aKeyThatDoesNotMatchItsCertificateIsRefusedNamingPoolFieldAndFile() throws Exception {
    Path web = ca.issue("web", "web.example.com");
    Path other = ca.issue("other", "other.example.com");
    Pool.Builder pool =
        pool("web", 8443, ROUND_ROBIN)
            .addBackends(active("127.0.0.1:1"))
            .setSettings(
                PoolSettings.newBuilder()
                    .setTlsTermination(
                        TlsTermination.newBuilder()
                            .setEnabled(true)
                            .addCertificates(
                                Certificate.newBuilder()
                                    .setCertFile(web.toString())
                                    .setKeyFile(TestCertificates.keyOf(other).toString()))));

    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    ConfigSnapshot.newBuilder().setVersion(1).addPools(pool).build()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "pool web: settings.tls_termination.certificates[0].key_file "
                + TestCertificates.keyOf(other)
                + ": does not match the certificate in cert_file "
                + web);
  }

  @Test
  void aMissingCertificateFileIsRefusedNamingIt() {
    Pool.Builder pool =
        pool("web", 8443, ROUND_ROBIN)
            .addBackends(active("127.0.0.1:1"))
            .setSettings(
                PoolSettings.newBuilder()
                    .setTlsTermination(
                        TlsTermination.newBuilder()
                            .setEnabled(true)
                            .addCertificates(
                                Certificate.newBuilder()
                                    .setCertFile(dir.resolve("gone.pem").toString())
                                    .setKeyFile(dir.resolve("gone.key").toString()))));

    assertThatThrownBy(
            () ->
                SnapshotValidator.validate(
                    ConfigSnapshot.newBuilder().setVersion(1).addPools(pool).build()))
        .hasMessage(
            "pool web: settings.tls_termination.certificates[0].cert_file "
                + dir.resolve("gone.pem")
                + ": no such file");
  }

  /** Over a new client context each time, so no session is resumed with its old certificate. */
  @Test
  void aVerifiedClientCertificateReachesTheBackendInThePROXYv2Header() throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    Path alice = ca.issue("alice", "alice.clients.example.com");
    EchoBackend web = resources.add(new EchoBackend("web"));
    int port = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    Pool.Builder pool = terminating("web", port, web.address(), cert);
    pool.getSettingsBuilder()
        .setProxyProtocol(
            ProxyProtocol.newBuilder().setSend(ProxyProtocolVersion.PROXY_PROTOCOL_V2))
        .getTlsTerminationBuilder()
        .setClientAuth(ClientAuth.newBuilder().setCaFile(ca.caFile().toString()).setRequired(true));
    proxy.apply(config(1, pool));

    try (Session session = Session.open(ca.contextWith(alice), port, "web.example.com")) {
      assertThat(session.readLine()).isEqualTo("web");
      // The echo backend sends back what it received first: the PROXY header.
      HAProxyMessage header = session.readProxyHeader();
      try {
        // Netty's decoder lists the SSL TLV, then the ones inside it.
        assertThat(header.tlvs())
            .first()
            .isInstanceOfSatisfying(
                HAProxySSLTLV.class,
                ssl -> {
                  assertThat(ssl.isPP2ClientSSL()).isTrue();
                  assertThat(ssl.isPP2ClientCertConn()).isTrue();
                  assertThat(ssl.verify()).isZero();
                  assertThat(ssl.encapsulatedTLVs())
                      .singleElement()
                      .satisfies(
                          cn -> {
                            assertThat(cn.type()).isEqualTo(HAProxyTLV.Type.PP2_TYPE_SSL_CN);
                            assertThat(cn.content().toString(US_ASCII))
                                .isEqualTo("alice.clients.example.com");
                          });
                });
      } finally {
        header.release();
      }
    }

    assertThatThrownBy(
            () -> {
              try (Session anonymous = Session.open(ca.clientContext(), port, "web.example.com")) {
                anonymous.readLine(); // TLS 1.3: the refusal arrives after the client's Finished
              }
            })
        .isInstanceOf(java.io.IOException.class);
    await()
        .untilAsserted(
            () ->
                assertThat(proxy.listeners().listenerStats().get(0).getTlsHandshakeFailures())
                    .isEqualTo(1));
    assertThat(web.accepted()).isEqualTo(1);
  }

  @Test
  void reEncryptsToABackendWhoseCertificateItVerifies() throws Exception {
    Path cert = ca.issue("web", "web.example.com");
    TestCertificates internal = new TestCertificates(dir, "internal");
    Path backendCert = internal.issue("backend", "backend.internal");
    EchoBackend secure =
        resources.add(
            new EchoBackend(
                "secure",
                internal
                    .contextWith(backendCert)
                    .getServerSocketFactory()
                    .createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())));
    int port = FreePort.find();
    int wrongNamePort = FreePort.find();
    LoopbackProxy proxy = resources.add(new LoopbackProxy(Transport.nio()));
    Pool.Builder verified = terminating("web", port, secure.address(), cert);
    verified
        .getSettingsBuilder()
        .getTlsTerminationBuilder()
        .setBackendTls(
            BackendTls.newBuilder()
                .setEnabled(true)
                .setCaFile(internal.caFile().toString())
                .setServerName("backend.internal"));
    Pool.Builder wrongName = terminating("other", wrongNamePort, secure.address(), cert);
    wrongName
        .getSettingsBuilder()
        .getTlsTerminationBuilder()
        .setBackendTls(
            BackendTls.newBuilder()
                .setEnabled(true)
                .setCaFile(internal.caFile().toString())
                .setServerName("impostor.internal"));
    proxy.apply(config(1, verified, wrongName));

    try (Session session = Session.open(client, port, "web.example.com")) {
      assertThat(session.readLine()).isEqualTo("secure");
      session.send("encrypted twice\n");
      assertThat(session.readLine()).isEqualTo("encrypted twice");
    }
    try (Session session = Session.open(ca.clientContext(), wrongNamePort, "web.example.com")) {
      assertThat(session.readLine()).isNull(); // the backend's name did not verify
    }
  }

  private String subjectFor(int port, String serverName) throws Exception {
    try (Session session = Session.open(ca.clientContext(), port, serverName)) {
      return session.peerSubject();
    }
  }

  /** Replaces the live files as a deploy would: each by an atomic rename. */
  private static void install(Path cert, Path liveCert, Path liveKey) throws Exception {
    Path tmp = liveCert.resolveSibling("tmp");
    Files.copy(cert, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, liveCert, StandardCopyOption.ATOMIC_MOVE);
    Files.copy(TestCertificates.keyOf(cert), tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, liveKey, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Pool.Builder terminating(String name, int port, String backend, Path... certs) {
    TlsTermination.Builder tls = TlsTermination.newBuilder().setEnabled(true);
    for (Path cert : certs) {
      tls.addCertificates(
          Certificate.newBuilder()
              .setCertFile(cert.toString())
              .setKeyFile(TestCertificates.keyOf(cert).toString()));
    }
    return pool(name, port, ROUND_ROBIN)
        .addBackends(active(backend))
        .setSettings(PoolSettings.newBuilder().setTlsTermination(tls));
  }

  /** A JDK TLS client connection through the proxy. */
  private record Session(SSLSocket socket, BufferedReader in) implements AutoCloseable {
    /**
     * @param serverName sent as SNI; null for none (then no host name is verified)
     */
    static Session open(SSLContext context, int port, String serverName) throws Exception {
      SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      socket.setSoTimeout(10_000);
      SSLParameters parameters = socket.getSSLParameters();
      if (serverName != null) {
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
      }
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      return new Session(
          socket,
          new BufferedReader(
              new InputStreamReader(
                  socket.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    String peerSubject() throws Exception {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0])
          .getSubjectX500Principal()
          .getName();
    }

    String readLine() throws Exception {
      return in.readLine();
    }

    /** Reads a binary PROXY header (v2) off the stream. */
    HAProxyMessage readProxyHeader() throws Exception {
      // The reader may hold bytes already: read through it, as chars of one byte each.
      char[] fixed = new char[16];
      readFully(fixed);
      int length = (fixed[14] << 8) | fixed[15];
      char[] rest = new char[length];
      readFully(rest);
      io.netty.buffer.ByteBuf bytes = io.netty.buffer.Unpooled.buffer(16 + length);
      for (char c : fixed) {
        bytes.writeByte(c);
      }
      for (char c : rest) {
        bytes.writeByte(c);
      }
      io.netty.channel.embedded.EmbeddedChannel decoder =
          new io.netty.channel.embedded.EmbeddedChannel(new HAProxyMessageDecoder());
      decoder.writeInbound(bytes);
      HAProxyMessage header = decoder.readInbound();
      decoder.finishAndReleaseAll();
      return header;
    }

    private void readFully(char[] into) throws Exception {
      for (int n = 0; n < into.length; ) {
        int read = in.read(into, n, into.length - n);
        if (read < 0) {
          throw new java.io.EOFException();
        }
        n += read;
      }
    }

    void send(String text) throws Exception {
      socket.getOutputStream().write(text.getBytes(US_ASCII));
      socket.getOutputStream().flush();
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
