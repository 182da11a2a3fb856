package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stage behind a terminating SslHandler, in virtual time: the relay starts only after a
 * successful handshake; a failed or late one is counted and closed, and never reaches the relay.
 */
class TlsHandshakeHandlerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final StageFixture connection = new StageFixture(1);
  private final List<Object> relaySaw = new ArrayList<>();
  private ClientChannel client;

  @AfterEach
  void close() {
    connection.close();
  }

  @Test
  void theRelayStartsOnlyOnceTheHandshakeSucceededAndTheStageLeaves() {
    start();
    assertThat(relaySaw).as("held back while handshaking").isEmpty();

    client.pipeline().fireUserEventTriggered(SslHandshakeCompletionEvent.SUCCESS);

    assertThat(relaySaw).containsExactly("active");
    assertThat(client.pipeline().get(TlsHandshakeHandler.NAME)).isNull();
    client.advanceMillis(TIMEOUT.toMillis() + 1);
    assertThat(client.isOpen()).as("no deadline left behind").isTrue();
  }

  @Test
  void aFailedHandshakeIsCountedAndClosedWithoutTheRelay() {
    start();

    client
        .pipeline()
        .fireUserEventTriggered(
            new SslHandshakeCompletionEvent(
                new SSLHandshakeException("no cipher suites in common")));

    assertThat(client.isOpen()).isFalse();
    assertThat(relaySaw).doesNotContain("active");
    assertThat(connection.listener.snapshot().getTlsHandshakeFailures()).isEqualTo(1);
    connection.assertEverythingGivenBack();
  }

  @Test
  void aHandshakeNotDoneWithinTheTimeoutIsCountedAndClosed() {
    start();

    client.advanceMillis(TIMEOUT.toMillis() - 1);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(client.isOpen()).isFalse();
    assertThat(connection.listener.snapshot().getTlsHandshakeFailures()).isEqualTo(1);
    connection.assertEverythingGivenBack();
  }

  private void start() {
    ConnectionLease lease = connection.admit();
    client =
        connection.open(
            new TlsHandshakeHandler(lease, TIMEOUT),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelActive(ChannelHandlerContext ctx) {
                relaySaw.add("active");
              }

              @Override
              public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                relaySaw.add(evt);
              }
            });
  }
}
