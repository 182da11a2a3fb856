package dev.weir.control.transport;

import dev.weir.api.log.LogThrottle;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over what gRPC's Netty transport logs through java.util.logging: by default each connection
 * that fails (garbage bytes, a TLS client on a plaintext port) printed an INFO with a stack trace
 * of some 25 lines, so a stranger could grow the log at will. Here each failure is one line without
 * a stack trace, and each cause at most one line a minute, which counts the rest.
 */
public final class TransportFailureLog extends Handler {

  /** The logger of grpc's Netty transport, as shaded into grpc-netty-shaded. */
  static final String GRPC_NETTY = "io.grpc.netty.shaded.io.grpc.netty";

  private static final Duration INTERVAL = Duration.ofMinutes(1);
  private static final int MAX_DETAIL = 160;
  // java.util.logging holds loggers weakly; without this reference the set-up could be lost.
  private static final java.util.logging.Logger TRANSPORT =
      java.util.logging.Logger.getLogger(GRPC_NETTY);
  private static final Logger log = LoggerFactory.getLogger("dev.weir.control.connections");

  private final LogThrottle throttle;
  private final BiConsumer<Level, String> sink;

  /**
   * @param sink writes a line at a level: slf4j, or a list in tests
   */
  TransportFailureLog(LongSupplier nanoTime, BiConsumer<Level, String> sink) {
    this.throttle = new LogThrottle(INTERVAL, nanoTime);
    this.sink = sink;
  }

  /** Routes grpc's transport logging here, instead of to stderr; for the process, once. */
  public static synchronized void install() {
    for (Handler handler : TRANSPORT.getHandlers()) {
      if (handler instanceof TransportFailureLog) {
        return;
      }
    }
    TRANSPORT.setUseParentHandlers(false);
    TRANSPORT.setLevel(Level.INFO);
    TRANSPORT.addHandler(new TransportFailureLog(System::nanoTime, TransportFailureLog::toSlf4j));
  }

  @Override
  public void publish(LogRecord record) {
    if (record.getLevel().intValue() < Level.INFO.intValue()) {
      return;
    }
    Throwable cause = record.getThrown();
    String message = record.getMessage() != null ? record.getMessage() : "";
    // The cause's class, never its message: that can hold bytes a peer chose, without bound.
    String kind = cause != null ? cause.getClass().getName() : message;
    long suppressed = throttle.admit(record.getLoggerName() + " " + kind);
    if (suppressed == LogThrottle.SUPPRESS) {
      return;
    }
    String line =
        "grpc: "
            + message
            + (cause != null ? ": " + describe(cause) : "")
            + LogThrottle.suppressedNote(suppressed);
    sink.accept(record.getLevel(), line);
  }

  private static void toSlf4j(Level level, String line) {
    if (level.intValue() >= Level.WARNING.intValue()) {
      log.warn(line);
    } else {
      log.info(line);
    }
  }

  /** The cause on one line, cut short, without control characters a peer may have sent. */
  static String describe(Throwable cause) {
    String text =
        cause.getClass().getSimpleName()
            + (cause.getMessage() != null ? ": " + cause.getMessage() : "");
    text = text.replaceAll("[\\p{Cntrl}]+", " ").strip();
    return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "...";
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
