package dev.weir.control.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class TransportFailureLogTest {

  private static final String TRANSPORT_LOGGER =
      "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections";

  private final AtomicLong now = new AtomicLong();
  private final List<String> lines = new ArrayList<>();
  private final TransportFailureLog handler =
      new TransportFailureLog(now::get, (level, line) -> lines.add(level + " " + line));

  @Test
  void thirtyNineGarbageConnectionsMakeOneLineWithoutAStackTrace() {
    for (int i = 0; i < 39; i++) {
      handler.publish(failed(new IllegalStateException("Unexpected HTTP/1.x request: GET /" + i)));
    }

    assertThat(lines)
        .containsExactly(
            "INFO grpc: Transport failed: IllegalStateException: "
                + "Unexpected HTTP/1.x request: GET /0");
  }

  @Test
  void aMinuteLaterTheNextLineCountsWhatWasLeftOut() {
    for (int i = 0; i < 39; i++) {
      handler.publish(failed(new IllegalStateException("bad preface")));
    }
    now.addAndGet(Duration.ofMinutes(1).toNanos());

    handler.publish(failed(new IllegalStateException("bad preface")));

    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).endsWith("(38 more like it not logged since the last)");
  }

  @Test
  void eachCauseIsLoggedOnce() {
    handler.publish(failed(new IllegalStateException("bad preface")));
    handler.publish(failed(new javax.net.ssl.SSLHandshakeException("no cipher suites")));

    assertThat(lines).hasSize(2);
  }

  @Test
  void controlCharactersAndLongMessagesFromAPeerAreCleanedUp() {
    String description =
        TransportFailureLog.describe(
            new IllegalStateException("GET /\r\n\u001b[31m" + "x".repeat(500)));

    assertThat(description)
        .doesNotContain("\r", "\n", "\u001b")
        .endsWith("...")
        .hasSizeLessThan(170);
  }

  @Test
  void debugRecordsAreIgnored() {
    LogRecord record = failed(new IllegalStateException("reset"));
    record.setLevel(Level.FINE);

    handler.publish(record);

    assertThat(lines).isEmpty();
  }

  private static LogRecord failed(Throwable cause) {
    LogRecord record = new LogRecord(Level.INFO, "Transport failed");
    record.setLoggerName(TRANSPORT_LOGGER);
    record.setThrown(cause);
    return record;
  }
}
