package dev.weir.proxy.health;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HttpProbeHandlerTest {

  private final Promise<Boolean> verdict = ImmediateEventExecutor.INSTANCE.newPromise();
  private final EmbeddedChannel channel =
      new EmbeddedChannel(
          new HttpProbeHandler("GET / HTTP/1.1\r\n\r\n".getBytes(US_ASCII), 200, verdict));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void sendsTheRequestAsSoonAsConnected() {
    ByteBuf sent = channel.readOutbound();
    try {
      assertThat(sent.toString(US_ASCII)).isEqualTo("GET / HTTP/1.1\r\n\r\n");
    } finally {
      sent.release();
    }
  }

  @Test
  void theExpectedStatusPassesEvenWhenTheLineArrivesInPieces() {
    channel.writeInbound(ascii("HTTP/1.1 2"));
    assertThat(verdict.isDone()).isFalse();

    channel.writeInbound(ascii("00 OK\r\nContent-Length: 0\r\n\r\n"));

    assertThat(verdict.getNow()).isTrue();
  }

  @Test
  void anyOtherStatusFails() {
    channel.writeInbound(ascii("HTTP/1.0 503 Service Unavailable\r\n"));

    assertThat(verdict.getNow()).isFalse();
  }

  @Test
  void aStatusLineWithoutAReasonPhraseStillCounts() {
    channel.writeInbound(ascii("HTTP/1.1 200\r\n"));

    assertThat(verdict.getNow()).isTrue();
  }

  @Test
  void anEndlessFirstLineFailsOnceItIsTooLong() {
    channel.writeInbound(ascii("HTTP/1.1 200 " + "x".repeat(HttpProbeHandler.MAX_STATUS_LINE)));

    assertThat(verdict.getNow()).isFalse();
  }

  @Test
  void aConnectionClosedBeforeTheStatusLineFails() {
    channel.writeInbound(ascii("HTTP/1.1 20"));

    channel.close();

    assertThat(verdict.getNow()).isFalse();
  }

  @Test
  void statusLinesAreParsedStrictly() {
    assertThat(HttpProbeHandler.statusOf("HTTP/1.1 204 No Content\r")).isEqualTo(204);
    assertThat(HttpProbeHandler.statusOf("HTTP/2 200")).isEqualTo(-1);
    assertThat(HttpProbeHandler.statusOf("SSH-2.0-OpenSSH_9.6")).isEqualTo(-1);
    assertThat(HttpProbeHandler.statusOf("HTTP/1.1 2000 OK")).isEqualTo(-1);
  }

  private static ByteBuf ascii(String text) {
    return Unpooled.copiedBuffer(text, US_ASCII);
  }
}
