package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.ListPoolsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that never speak gRPC (a port scan, a flood, garbage) cost the control plane a
 * bounded number of file descriptors for a bounded time, keep weirctl out at no point, and leave no
 * stack trace in the log.
 */
class ConnectionFloodTest {
  private static final Pattern LISTENING =
      Pattern.compile("weir-control listening on 127\\.0\\.0\\.1:(\\d+)\\R");

  @TempDir Path dataDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Socket> flood = new ArrayList<>();
  private ControlPlane plane;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : flood) {
      socket.close();
    }
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void connectionsThatSendNothingAreClosedAfterTheHandshakeTimeout() throws Exception {
    int port = start("--handshake-timeout", "500ms");

    open(port, 100);

    await().atMost(Duration.ofSeconds(10)).until(() -> stillOpen() == 0);
  }

  @Test
  void weirctlIsServedDuringAFloodOfConnectionsThatSendNothing() throws Exception {
    int port = start("--max-connections", "50", "--handshake-timeout", "60s");

    open(port, 300);

    // Long before the handshake timeout, the flood holds no more than the cap.
    await().atMost(Duration.ofSeconds(10)).until(() -> stillOpen() <= 50);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    assertThat(
            AdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .listPools(ListPoolsRequest.getDefaultInstance())
                .getPoolsList())
        .isEmpty();
    // The call's connection took the place of one that never spoke.
    open(port, 100);
    assertThat(
            AdminServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .listPools(ListPoolsRequest.getDefaultInstance())
                .getPoolsList())
        .isEmpty();
  }

  @Test
  void garbageConnectionsLeaveNoStackTraceOnTheConsole() throws Exception {
    List<LogRecord> console = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            console.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger root = Logger.getLogger("");
    root.addHandler(capture);
    try {
      int port = start();
      for (int i = 0; i < 39; i++) {
        Socket socket = new Socket("127.0.0.1", port);
        flood.add(socket);
        socket
            .getOutputStream()
            .write(
                ("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> stillOpen() == 0);
      assertThat(console).noneMatch(record -> record.getThrown() != null);
    } finally {
      root.removeHandler(capture);
    }
  }

  private void open(int port, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      flood.add(new Socket("127.0.0.1", port));
    }
  }

  /** How many of the flood's connections the control plane has not closed. */
  private long stillOpen() {
    return flood.stream().filter(ConnectionFloodTest::isOpen).count();
  }

  private static boolean isOpen(Socket socket) {
    byte[] buffer = new byte[4096];
    try {
      socket.setSoTimeout(1);
      // Whatever the server sent (its HTTP/2 settings, a GOAWAY) before it closed, or not.
      while (socket.getInputStream().read(buffer) >= 0) {
        continue;
      }
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private int start(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--data-dir", dataDir.toString()));
    args.addAll(List.of(extra));
    WeirControl command = new WeirControl(print(out), print(new ByteArrayOutputStream()));
    WeirControl.commandLine(command).parseArgs(args.toArray(String[]::new));
    plane = command.start();
    Matcher line = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
    assertThat(line.matches()).as("stdout is exactly the listening line: %s", out).isTrue();
    return Integer.parseInt(line.group(1));
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
