package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.weir.proxy.config.PoolOptions;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Arrays;

/**
 * The TLS routing stage against whatever a client may send: any bytes, cut into segments of any
 * size, end in one of three ways and nothing else. The ClientHello went whole to a pool's relay; or
 * the connection was closed with everything it held given back once, and no backend was tried; or
 * the stage still waits, within its limit, until the deadline closes it. No exception escapes the
 * stage.
 *
 * <p>{@code mvn verify} runs the seeds in {@code ServerNameHandlerFuzzTestInputs} only (real
 * ClientHellos from openssl s_client, with and without SNI, and an HTTP request). To fuzz: {@code
 * JAZZER_FUZZ=1 mvn -o -pl data-plane -am test -Dtest=ServerNameHandlerFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ServerNameHandlerFuzzTest {

  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  @FuzzTest(maxDuration = "5m")
  void anyBytesInAnySegmentsEndInARouteARefusalOrAWait(byte[] bytes) {
    try (StageFixture connection = new StageFixture(1)) {
      RelaySettings settings = connection.backends.settings(PoolOptions.DEFAULTS);
      ServerNameTargets targets =
          new ServerNameTargets() {
            @Override
            public FrontendHandler frontendFor(String name, Channel ch, ConnectionLease lease) {
              return "db.example.com".equals(name) || name == null
                  ? new FrontendHandler(connection.backends.picker(), settings, lease)
                  : null;
            }

            @Override
            public Duration clientHelloTimeout() {
              return HELLO_TIMEOUT;
            }
          };
      ClientChannel client = connection.open(new ServerNameHandler(targets, connection.admit()));
      // The segment size comes from the length, so a seed stays a valid ClientHello.
      int segment = 1 + bytes.length % 97;
      for (int from = 0; from < bytes.length && client.isOpen(); from += segment) {
        client.writeInbound(
            Unpooled.wrappedBuffer(
                Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + segment))));
      }

      boolean routed = client.pipeline().get(FrontendHandler.class) != null;
      if (routed) {
        assertThat(client.pipeline().get(ServerNameHandler.class)).isNull();
        assertThat(connection.backends.attempts).hasSize(1);
        connection.backends.last().succeed();
        byte[] relayed = Embedded.drainOutboundBytes(connection.backends.last().backend());
        assertThat(relayed).as("every byte, in order").isEqualTo(bytes);
      } else {
        assertThat(connection.backends.attempts).as("no backend tried").isEmpty();
        client.advanceMillis(HELLO_TIMEOUT.toMillis());
        assertThat(client.isOpen()).as("closed by the deadline at the latest").isFalse();
        connection.assertEverythingGivenBack();
      }
      client.close();
      connection.assertEverythingGivenBack();
      assertThat(
              connection.listener.snapshot().getSniRejected()
                  + connection.listener.snapshot().getSniUnmatched())
          .isLessThanOrEqualTo(1);
    }
  }
}
