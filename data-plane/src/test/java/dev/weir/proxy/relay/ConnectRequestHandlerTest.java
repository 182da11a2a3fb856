package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import io.netty.channel.Channel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP CONNECT stage on channels in memory, on a clock that moves only when the test moves it:
 * one pool answers to "alpha:80"; its backends connect when the test says.
 */
class ConnectRequestHandlerTest {

  private static final String ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";
  private static final Duration HEAD_TIMEOUT = PoolOptions.DEFAULT_CONNECT_HEAD_TIMEOUT;

  private StageFixture connection = new StageFixture(2);
  private ClientChannel client;

  @AfterEach
  void closeAll() {
    connection.close();
  }

  @Test
  void handsATunnelToThePoolThatAnswersAndLeavesTheRestToItsRelay() {
    start();

    send("CONNECT alpha:80 HTTP/1.1\r\nHost: alpha:80\r\n\r\nping");
    assertThat(client.pipeline().get(ConnectRequestHandler.class)).isNull();
    assertThat(Embedded.drainOutbound(client)).as("no answer before the backend").isEmpty();
    connection.backends.last().succeed();

    assertThat(Embedded.drainOutbound(client)).isEqualTo(ESTABLISHED);
    assertThat(Embedded.drainOutbound(connection.backends.last().backend())).isEqualTo("ping");
    client.close();
    connection.assertEverythingGivenBack();
  }

  @Test
  void refusesATargetNoPoolAnswersToAndGivesEverythingBackOnce() {
    start();

    send("CONNECT evil.example:443 HTTP/1.1\r\n\r\n");

    assertThat(connection.listener.snapshot().getConnectForbidden()).isEqualTo(1);
    assertThat(connection.backends.attempts).isEmpty();
    assertAnsweredAndClosed("HTTP/1.1 403 Forbidden\r\n");
  }

  @Test
  void refusesAMalformedHeadAndGivesEverythingBackOnce() {
    start();

    send("CONNECT alpha HTTP/1.1\r\n\r\n");

    assertThat(connection.listener.snapshot().getConnectRejected()).isEqualTo(1);
    assertAnsweredAndClosed("HTTP/1.1 400 Bad Request\r\n");
  }

  @Test
  void closesAndCountsAConnectionWhoseHeadDoesNotComeInTime() {
    start();
    send("CONNECT alp"); // half a request line, then nothing

    client.advanceMillis(HEAD_TIMEOUT.toMillis() - 1);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(connection.listener.snapshot().getConnectRejected()).isEqualTo(1);
    assertThat(connection.backends.attempts).isEmpty();
    assertAnsweredAndClosed("HTTP/1.1 408 Request Timeout\r\n");
  }

  @Test
  void answers502WhenNoBackendCanBeReached() {
    start();
    send("CONNECT alpha:80 HTTP/1.1\r\n\r\n");

    connection.backends.last().fail();
    connection.backends.last().fail();

    assertThat(connection.listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertAnsweredAndClosed("HTTP/1.1 502 Bad Gateway\r\n");
  }

  @Test
  void answers503WhenNoBackendTakesNewConnections() {
    connection = new StageFixture(0);
    start();

    send("CONNECT alpha:80 HTTP/1.1\r\n\r\n");

    assertThat(connection.listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertAnsweredAndClosed("HTTP/1.1 503 Service Unavailable\r\n");
  }

  private void start() {
    FakeBackends backends = connection.backends;
    RelaySettings settings = backends.settings(PoolOptions.DEFAULTS);
    ConnectTargets targets =
        new ConnectTargets() {
          @Override
          public FrontendHandler frontendFor(String authority, Channel ch, ConnectionLease lease) {
            return authority.equals("alpha:80")
                ? ConnectTargets.tunnel(backends.picker(), settings, lease)
                : null;
          }

          @Override
          public Duration headTimeout() {
            return HEAD_TIMEOUT;
          }
        };
    client = connection.open(new ConnectRequestHandler(targets, connection.admit()));
  }

  private void send(String ascii) {
    connection.send(ascii);
  }

  /** The client got {@code statusLine}, the connection closed, and its lease gave all back. */
  private void assertAnsweredAndClosed(String statusLine) {
    assertThat(Embedded.drainOutbound(client)).startsWith(statusLine);
    assertThat(client.isOpen()).isFalse();
    connection.assertEverythingGivenBack();
  }
}
