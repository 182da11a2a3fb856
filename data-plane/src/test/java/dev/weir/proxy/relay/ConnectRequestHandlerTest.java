package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP CONNECT stage on channels in memory, on a clock that moves only when the test moves
 * it: one pool answers to "alpha:80"; its backends connect when the test says.
 */
class ConnectRequestHandlerTest {

  private static final String ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";
  private static final Duration HEAD_TIMEOUT = PoolOptions.DEFAULT_CONNECT_HEAD_TIMEOUT;

  private final ConnectionBudget budget = new ConnectionBudget(100);
  private final ListenerCounters listener = new ListenerCounters("alpha", "127.0.0.1:8080");
  private FakeBackends backends = new FakeBackends(2);
  private ClientChannel client;

  @AfterEach
  void closeAll() {
    client.finishAndReleaseAll();
    backends.attempts.forEach(a -> a.backend().finishAndReleaseAll());
  }

  @Test
  void handsATunnelToThePoolThatAnswersAndLeavesTheRestToItsRelay() {
    start();

    send("CONNECT alpha:80 HTTP/1.1\r\nHost: alpha:80\r\n\r\nping");
    assertThat(client.pipeline().get(ConnectRequestHandler.class)).isNull();
    assertThat(Embedded.drainOutbound(client)).as("no answer before the backend").isEmpty();
    backends.last().succeed();

    assertThat(Embedded.drainOutbound(client)).isEqualTo(ESTABLISHED);
    assertThat(Embedded.drainOutbound(backends.last().backend())).isEqualTo("ping");
    client.close();
    assertEverythingGivenBack();
  }

  @Test
  void refusesATargetNoPoolAnswersToAndGivesEverythingBackOnce() {
    start();

    send("CONNECT evil.example:443 HTTP/1.1\r\n\r\n");

    assertThat(Embedded.drainOutbound(client)).startsWith("HTTP/1.1 403 Forbidden\r\n");
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getConnectForbidden()).isEqualTo(1);
    assertThat(backends.attempts).isEmpty();
    assertEverythingGivenBack();
  }

  @Test
  void refusesAMalformedHeadAndGivesEverythingBackOnce() {
    start();

    send("CONNECT alpha HTTP/1.1\r\n\r\n");

    assertThat(Embedded.drainOutbound(client)).startsWith("HTTP/1.1 400 Bad Request\r\n");
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getConnectRejected()).isEqualTo(1);
    assertEverythingGivenBack();
  }

  @Test
  void closesAndCountsAConnectionWhoseHeadDoesNotComeInTime() {
    start();
    send("CONNECT alp"); // half a request line, then nothing

    client.advanceMillis(HEAD_TIMEOUT.toMillis() - 1);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(Embedded.drainOutbound(client)).startsWith("HTTP/1.1 408 Request Timeout\r\n");
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getConnectRejected()).isEqualTo(1);
    assertThat(backends.attempts).isEmpty();
    assertEverythingGivenBack();
  }

  @Test
  void answers502WhenNoBackendCanBeReached() {
    start();
    send("CONNECT alpha:80 HTTP/1.1\r\n\r\n");

    backends.last().fail();
    backends.last().fail();

    assertThat(Embedded.drainOutbound(client)).startsWith("HTTP/1.1 502 Bad Gateway\r\n");
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertEverythingGivenBack();
  }

  @Test
  void answers503WhenNoBackendTakesNewConnections() {
    backends = new FakeBackends(0);
    start();

    send("CONNECT alpha:80 HTTP/1.1\r\n\r\n");

    assertThat(Embedded.drainOutbound(client)).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertEverythingGivenBack();
  }

  private void start() {
    RelaySettings settings = backends.settings(PoolOptions.DEFAULTS);
    ConnectTargets targets = new ConnectTargets() {
      @Override
      public FrontendHandler frontendFor(String authority, Channel ch, ConnectionLease lease) {
        return authority.equals("alpha:80")
            ? ConnectTargets.tunnel(backends.picker(), settings, lease) : null;
      }

      @Override
      public Duration headTimeout() {
        return HEAD_TIMEOUT;
      }
    };
    ConnectionLease lease = Leases.admit(budget, listener);
    client = ClientChannel.with(new ConnectRequestHandler(targets, lease));
    lease.releaseOnClose(client);
  }

  private void send(String ascii) {
    client.writeInbound(Unpooled.copiedBuffer(ascii, US_ASCII));
  }

  private void assertEverythingGivenBack() {
    assertThat(budget.active()).isZero();
    assertThat(listener.active()).isZero();
    assertThat(backends.upstreams.stream().mapToLong(u -> u.counters().active()).sum()).isZero();
  }
}
