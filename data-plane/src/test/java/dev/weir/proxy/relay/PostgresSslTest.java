package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's SSLRequest on channels in memory: the client's answered by the first stage, and
 * replayed by the relay to the backend it picks, whose answer the client never sees.
 */
class PostgresSslTest {

  private static final byte[] SSL_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f};
  private static final byte[] GSSENC_REQUEST = {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x30};
  // A StartupMessage for protocol 3.0 with user=weir: no TLS was asked for.
  private static final byte[] STARTUP = {
    0, 0, 0, 18, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'w', 'e', 'i', 'r', 0, 0
  };
  private static final byte[] CLIENT_HELLO_START = {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3};

  private final StageFixture connection = new StageFixture(1);
  private final ByteArrayOutputStream passedOn = new ByteArrayOutputStream();
  private ClientChannel client;

  @AfterEach
  void closeAll() {
    connection.close();
  }

  @Test
  void answersAnSslRequestSentByteByByteAndPassesOnWhatFollows() {
    openClient();

    for (byte b : SSL_REQUEST) {
      assertThat(Embedded.drainOutbound(client)).as("no answer before the request").isEmpty();
      send(new byte[] {b});
    }
    send(CLIENT_HELLO_START);

    assertThat(Embedded.drainOutbound(client)).isEqualTo("S");
    assertThat(PostgresSslRequestHandler.sslRequested(client)).isTrue();
    assertThat(client.pipeline().get(PostgresSslRequestHandler.class)).isNull();
    assertThat(passedOn.toByteArray()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void passesOnAClientHelloSentWithTheRequestInOneSegment() {
    openClient();

    send(concat(SSL_REQUEST, CLIENT_HELLO_START));

    assertThat(Embedded.drainOutbound(client)).isEqualTo("S");
    assertThat(passedOn.toByteArray()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void declinesGssEncryptionThenAnswersTheSslRequestThatFollows() {
    openClient();

    send(GSSENC_REQUEST);
    assertThat(Embedded.drainOutbound(client)).isEqualTo("N");
    send(SSL_REQUEST);

    assertThat(Embedded.drainOutbound(client)).isEqualTo("S");
    assertThat(PostgresSslRequestHandler.sslRequested(client)).isTrue();
  }

  @Test
  void letsDirectTlsThroughUnansweredAndUnmarked() {
    openClient();

    send(CLIENT_HELLO_START);

    assertThat(Embedded.drainOutbound(client)).isEmpty();
    assertThat(PostgresSslRequestHandler.sslRequested(client)).isFalse();
    assertThat(passedOn.toByteArray()).isEqualTo(CLIENT_HELLO_START);
  }

  @Test
  void closesAndCountsAPlaintextStartup() {
    openClient();

    send(STARTUP);

    assertThat(client.isOpen()).isFalse();
    assertThat(connection.listener.snapshot().getSniRejected()).isEqualTo(1);
    assertThat(passedOn.size()).isZero();
    connection.assertEverythingGivenBack();
  }

  @Test
  void theRelayReplaysTheRequestToTheBackendAndHidesItsAnswer() {
    FrontendHandler relay = relayForAClientThatAskedForTls();
    send("hello".getBytes(US_ASCII)); // stands in for the ClientHello

    connection.backends.last().succeed();
    EmbeddedChannel backend = connection.backends.last().backend();
    assertThat(Embedded.drainOutboundBytes(backend))
        .as("only the request, not yet the hello")
        .isEqualTo(SSL_REQUEST);
    assertThat(relay.relaying()).isFalse();
    backend.writeInbound(Unpooled.wrappedBuffer(new byte[] {'S'}));

    assertThat(relay.relaying()).isTrue();
    assertThat(Embedded.drainOutbound(backend)).isEqualTo("hello");
    backend.writeInbound(Unpooled.copiedBuffer("server hello", US_ASCII));
    assertThat(Embedded.drainOutbound(client))
        .as("the backend's S is not relayed")
        .isEqualTo("server hello");
  }

  @Test
  void aBackendThatWillNotStartTlsClosesTheClient() {
    relayForAClientThatAskedForTls();
    send("hello".getBytes(US_ASCII));

    connection.backends.last().succeed();
    EmbeddedChannel backend = connection.backends.last().backend();
    backend.writeInbound(Unpooled.wrappedBuffer(new byte[] {'N'}));

    assertThat(Embedded.drainOutboundBytes(backend))
        .as("the client's bytes never went")
        .isEqualTo(SSL_REQUEST);
    assertThat(client.isOpen()).isFalse();
    connection.assertEverythingGivenBack();
  }

  /** The first stage, with a handler behind it that keeps what is passed on. */
  private void openClient() {
    client =
        connection.open(
            new PostgresSslRequestHandler(connection.admit()),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                io.netty.buffer.ByteBuf buf = (io.netty.buffer.ByteBuf) msg;
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                passedOn.writeBytes(bytes);
                buf.release();
              }
            });
  }

  private FrontendHandler relayForAClientThatAskedForTls() {
    RelaySettings settings = connection.backends.settings(PoolOptions.DEFAULTS);
    ConnectionLease lease = connection.admit();
    FrontendHandler relay = new FrontendHandler(connection.backends.picker(), settings, lease);
    client = connection.open(new PostgresSslRequestHandler(lease), relay);
    send(SSL_REQUEST);
    assertThat(Embedded.drainOutbound(client)).isEqualTo("S");
    return relay;
  }

  private void send(byte[] bytes) {
    client.writeInbound(Unpooled.wrappedBuffer(bytes));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
