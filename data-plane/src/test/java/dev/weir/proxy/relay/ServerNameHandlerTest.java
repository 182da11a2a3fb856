package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.testing.ClientHellos;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The TLS routing stage on channels in memory, on a clock that moves only when the test moves it,
 * with real ClientHellos from the JDK's TLS client: one pool answers to "db.example.com"; its
 * backends connect when the test says.
 */
class ServerNameHandlerTest {

  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);
  private static final byte[] UNRECOGNIZED_NAME = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

  private final StageFixture connection = new StageFixture(2);
  private ClientChannel client;
  private String routedName = "(not looked up)";

  @AfterEach
  void closeAll() {
    connection.close();
  }

  @Test
  void relaysTheClientHelloUntouchedToABackendOfThePoolThatAnswersToItsName() {
    start();
    byte[] hello = ClientHellos.of("db.example.com");

    send(hello);
    assertThat(client.pipeline().get(ServerNameHandler.class)).isNull();
    connection.backends.last().succeed();
    send("after".getBytes(US_ASCII));

    byte[] received = Embedded.drainOutboundBytes(connection.backends.last().backend());
    assertThat(received).isEqualTo(concat(hello, "after".getBytes(US_ASCII)));
    assertThat(routedName).isEqualTo("db.example.com");
    client.close();
    connection.assertEverythingGivenBack();
  }

  @Test
  void readsAClientHelloThatArrivesOneByteAtATime() {
    start();
    byte[] hello = ClientHellos.of("db.example.com");

    for (int i = 0; i < hello.length; i++) {
      assertThat(connection.backends.attempts).as("no backend before byte %d", i).isEmpty();
      send(new byte[] {hello[i]});
    }
    connection.backends.last().succeed();

    assertThat(Embedded.drainOutboundBytes(connection.backends.last().backend())).isEqualTo(hello);
  }

  @Test
  void readsALargeClientHelloSpreadOverManyRecordsAndSegments() {
    start();
    byte[] hello = ClientHellos.inRecordsOf(ClientHellos.of("db.example.com", 3000), 512);
    assertThat(hello.length).as("larger than one segment").isGreaterThan(3000);

    for (int from = 0; from < hello.length; from += 1000) {
      send(Arrays.copyOfRange(hello, from, Math.min(hello.length, from + 1000)));
    }
    connection.backends.last().succeed();

    assertThat(Embedded.drainOutboundBytes(connection.backends.last().backend())).isEqualTo(hello);
  }

  @Test
  void answersANameNoPoolTakesWithAnAlertAndReachesNoBackend() {
    start();

    send(ClientHellos.of("evil.example.com"));

    assertThat(connection.listener.snapshot().getSniUnmatched()).isEqualTo(1);
    assertThat(connection.backends.attempts).isEmpty();
    assertThat(Embedded.drainOutboundBytes(client)).isEqualTo(UNRECOGNIZED_NAME);
    assertClosedAndGivenBack();
  }

  @Test
  void looksUpAClientHelloWithoutServerNameAsNone() {
    start();

    send(ClientHellos.of(null));

    assertThat(routedName).isNull();
    assertThat(connection.listener.snapshot().getSniUnmatched()).isEqualTo(1);
    assertClosedAndGivenBack();
  }

  @Test
  void refusesBytesThatAreNotATlsClientHello() {
    start();

    send("GET / HTTP/1.1\r\nHost: db.example.com\r\n\r\n".getBytes(US_ASCII));

    assertThat(connection.listener.snapshot().getSniRejected()).isEqualTo(1);
    assertThat(routedName).as("no lookup").isEqualTo("(not looked up)");
    assertThat(connection.backends.attempts).isEmpty();
    assertThat(Embedded.drainOutboundBytes(client)).as("nothing answered").isEmpty();
    assertClosedAndGivenBack();
  }

  @Test
  void refusesAClientHelloLargerThanTheLimitBeforeItArrivesWhole() {
    start();
    byte[] hello =
        ClientHellos.inRecordsOf(
            ClientHellos.of("db.example.com", ServerNameHandler.MAX_CLIENT_HELLO_BYTES + 1000),
            16_000);

    send(Arrays.copyOf(hello, 16_005)); // the first record: its header says how long it is

    assertThat(connection.listener.snapshot().getSniRejected()).isEqualTo(1);
    assertThat(connection.backends.attempts).isEmpty();
    assertClosedAndGivenBack();
  }

  @Test
  void closesAndCountsAConnectionWhoseClientHelloDoesNotComeInTime() {
    start();
    send(Arrays.copyOf(ClientHellos.of("db.example.com"), 20)); // a part, then nothing

    client.advanceMillis(HELLO_TIMEOUT.toMillis() - 1);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(connection.listener.snapshot().getSniRejected()).isEqualTo(1);
    assertThat(connection.backends.attempts).isEmpty();
    assertClosedAndGivenBack();
  }

  @Test
  void closesWithoutCountingAClientThatLeavesWithoutAWord() {
    start();

    client.close();

    assertThat(connection.listener.snapshot().getSniRejected()).isZero();
    assertThat(connection.listener.snapshot().getSniUnmatched()).isZero();
    connection.assertEverythingGivenBack();
  }

  private void start() {
    FakeBackends backends = connection.backends;
    RelaySettings settings = backends.settings(PoolOptions.DEFAULTS);
    ServerNameTargets targets =
        new ServerNameTargets() {
          @Override
          public FrontendHandler frontendFor(String name, Channel ch, ConnectionLease lease) {
            routedName = name;
            return Objects.equals(name, "db.example.com")
                ? new FrontendHandler(backends.picker(), settings, lease)
                : null;
          }

          @Override
          public Duration clientHelloTimeout() {
            return HELLO_TIMEOUT;
          }
        };
    client = connection.open(new ServerNameHandler(targets, connection.admit()));
  }

  private void send(byte[] bytes) {
    client.writeInbound(Unpooled.wrappedBuffer(bytes));
  }

  private void assertClosedAndGivenBack() {
    assertThat(client.isOpen()).isFalse();
    connection.assertEverythingGivenBack();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
