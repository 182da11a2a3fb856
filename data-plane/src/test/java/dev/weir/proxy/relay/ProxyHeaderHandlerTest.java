package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The PROXY-header stage in front of a relay, on channels in memory and on a clock that moves only
 * when the test moves it. The relay sends backends a v1 header, so what it learned of the client
 * shows in the backend's first bytes.
 */
class ProxyHeaderHandlerTest {

  private static final Duration HEADER_TIMEOUT = PoolOptions.DEFAULT_PROXY_HEADER_TIMEOUT;

  private final StageFixture connection = new StageFixture(1);
  private final FakeBackends backends = connection.backends;
  private final ListenerCounters listener = connection.listener;
  private ClientChannel client;

  @AfterEach
  void closeAll() {
    connection.close();
  }

  @Test
  void takesTheClientFromTheHeaderThenLeavesWithTheBytesAfterItForTheRelay() {
    start(HEADER_TIMEOUT);
    assertThat(backends.attempts).as("no backend before the header").isEmpty();

    send("PROXY TCP4 203.0.113.7 127.0.0.1 40000 8080\r\nping");
    backends.last().succeed();

    assertThat(Embedded.drainOutbound(backends.last().backend()))
        .isEqualTo("PROXY TCP4 203.0.113.7 127.0.0.1 40000 8080\r\nping");
    assertThat(client.pipeline().get(ProxyHeaderHandler.class)).isNull();
    assertThat(client.pipeline().get(HAProxyMessageDecoder.class)).isNull();
    assertThat(client.pipeline().get(FrontendHandler.class)).isNotNull();
  }

  @Test
  void aLocalHeaderKeepsTheConnectionsOwnAddresses() {
    start(HEADER_TIMEOUT);

    client.writeInbound(Unpooled.wrappedBuffer(ProxyHeaders.local(2)));
    send("ping");
    backends.last().succeed();

    assertThat(Embedded.drainOutbound(backends.last().backend()))
        .isEqualTo("PROXY TCP4 192.0.2.10 127.0.0.1 40000 8080\r\nping");
  }

  @Test
  void closesAndCountsAConnectionWithAMalformedHeader() {
    String[] bad = {
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
      "PROXY TCP4 999.1.1.1 127.0.0.1 1 2\r\n",
      "PROXY TCP4 127.0.0.1 127.0.0.1 70000 2\r\n",
      "PROXY " + "x".repeat(200) + "\r\n"
    };
    for (String header : bad) {
      start(HEADER_TIMEOUT);

      send(header);

      assertThat(client.isOpen()).as(header).isFalse();
      client.finishAndReleaseAll();
    }
    assertThat(listener.snapshot().getProxyHeaderRejections()).isEqualTo(4);
    assertThat(backends.attempts).isEmpty();
    assertEverythingGivenBack();
  }

  @Test
  void closesAndCountsAConnectionThatSendsNoHeaderInTime() {
    start(HEADER_TIMEOUT);
    send("PROXY TCP4 "); // and then nothing

    client.advanceMillis(HEADER_TIMEOUT.toMillis() - 1);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getProxyHeaderRejections()).isEqualTo(1);
    assertThat(backends.attempts).isEmpty();
    assertEverythingGivenBack();
  }

  @Test
  void theDeadlineIsThePools() {
    start(Duration.ofMillis(200));

    client.advanceMillis(200);

    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getProxyHeaderRejections()).isEqualTo(1);
  }

  @Test
  void aHeaderInTimeCancelsTheDeadline() {
    start(HEADER_TIMEOUT);
    send("PROXY TCP4 203.0.113.7 127.0.0.1 40000 8080\r\n");
    backends.last().succeed();

    client.advanceMillis(HEADER_TIMEOUT.toMillis() * 2);

    assertThat(client.isOpen()).isTrue();
    assertThat(listener.snapshot().getProxyHeaderRejections()).isZero();
  }

  @Test
  void theIdleTimeoutRunsWhileTheHeaderIsAwaited() {
    start(HEADER_TIMEOUT, Duration.ofMillis(300));
    send("PROXY TCP4 ");

    client.advanceMillis(300);

    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getProxyHeaderRejections()).isZero();
    assertEverythingGivenBack();
  }

  private void start(Duration headerTimeout) {
    start(headerTimeout, Duration.ZERO);
  }

  private void start(Duration headerTimeout, Duration idleTimeout) {
    RelaySettings settings =
        backends.settings(FakeBackends.options(0, idleTimeout, 1, true, headerTimeout));
    ConnectionLease lease = connection.admit();
    client =
        connection.open(
            new ProxyHeaderHandler(settings, lease),
            new FrontendHandler(backends.picker(), settings, lease));
  }

  private void send(String ascii) {
    connection.send(ascii);
  }

  private void assertEverythingGivenBack() {
    connection.assertEverythingGivenBack();
  }
}
