package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.AdminServiceGrpc;
import dev.weir.api.v1.CreatePoolRequest;
import dev.weir.api.v1.ListPoolsRequest;
import dev.weir.api.v1.ListPoolsResponse;
import dev.weir.api.v1.Pool;
import dev.weir.control.store.FileConfigStore;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeirControlTest {
  private static final Pattern LISTENING =
      Pattern.compile("weir-control listening on 127\\.0\\.0\\.1:(\\d+)\\R");

  @TempDir Path dataDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private ControlPlane plane;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (plane != null) {
      plane.close();
    }
  }

  @Test
  void itPrintsTheBoundPortAndKeepsPoolsAcrossARestart() throws Exception {
    int port = start();
    admin(port)
        .createPool(CreatePoolRequest.newBuilder().setName("web").setListen(":8080").build());
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    plane.close();
    out.reset();

    port = start();

    ListPoolsResponse pools = admin(port).listPools(ListPoolsRequest.getDefaultInstance());
    assertThat(pools.getConfigVersion()).isEqualTo(1);
    assertThat(pools.getPoolsList()).extracting(Pool::getName).containsExactly("web");
  }

  @Test
  void aCorruptStateFileStopsTheStartWithOneLineNamingTheFile() throws Exception {
    Path stateFile = dataDir.resolve(FileConfigStore.STATE_FILE);
    Files.writeString(stateFile, "{\"pools\": []}", StandardCharsets.UTF_8);

    int code = execute("--listen", "127.0.0.1:0", "--data-dir", dataDir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("weir-control: cannot start: " + stateFile.toRealPath() + " is corrupt: ")
        .contains("bad magic")
        .hasLineCount(1);
  }

  @Test
  void aDataDirInUseByAnotherControlPlaneStopsTheStart() throws Exception {
    start();

    int code = execute("--listen", "127.0.0.1:0", "--data-dir", dataDir.toString());

    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("is in use by another weir-control");
  }

  @Test
  void aPortInUseStopsTheStartNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String listen = "127.0.0.1:" + taken.getLocalPort();

      int code = execute("--listen", listen, "--data-dir", dataDir.toString());

      assertThat(code).isEqualTo(1);
      assertThat(err.toString(StandardCharsets.UTF_8))
          .startsWith("weir-control: cannot start: cannot listen on " + listen + ": ");
    }
  }

  @Test
  void aMalformedListenAddressIsAUsageError() {
    int code = execute("--listen", "9900", "--data-dir", dataDir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--listen", "\"9900\" has no colon; use HOST:PORT, e.g. 127.0.0.1:9900")
        .doesNotContain("missing \":port\"");
  }

  @Test
  void aListenAddressWithoutItsPortSaysThePortIsMissing() {
    int code = execute("--listen", "localhost", "--data-dir", dataDir.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--listen", "missing \":port\"");
  }

  @Test
  void versionAndHelpExitZero() {
    assertThat(execute("--version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("weir-control ");

    assertThat(execute("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--admin-listen=HOST:PORT", "--proxy-listen", "--data-dir");
  }

  @Test
  void theHelpNeverBreaksAnAddressOrUrlAcrossLines() {
    assertThat(execute("--help")).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();

    // It wraps at ':' and '/' too, printing "http:" and "//10.0.0.1:2379" on two lines.
    for (int i = 0; i + 1 < lines.size(); i++) {
      String last = lines.get(i).strip().replaceAll(".* ", "");
      String next = lines.get(i + 1).strip();
      boolean broken =
          last.matches(".*https?:") || last.matches(".*[0-9/].*[:./]") && next.matches("[0-9/].*");
      assertThat(broken).as("%s%n%s", lines.get(i), lines.get(i + 1)).isFalse();
    }
    assertThat(lines).anyMatch(l -> l.contains("http://10.0.0.5:2379,http://10.0.0.6:2379"));
  }

  @Test
  void aSeparateProxyListenerGetsASecondLine() throws Exception {
    WeirControl command = new WeirControl(print(out), print(err));
    WeirControl.commandLine(command)
        .parseArgs(
            "--admin-listen",
            "127.0.0.1:0",
            "--proxy-listen",
            "127.0.0.1:0",
            "--data-dir",
            dataDir.toString());
    plane = command.start();

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "weir-control listening on 127.0.0.1:"
                + plane.port()
                + System.lineSeparator()
                + "weir-control serving proxies on 127.0.0.1:"
                + plane.proxyPort()
                + System.lineSeparator());
    assertThat(plane.proxyPort()).isNotEqualTo(plane.port());
  }

  @Test
  void securityFlagsThatCannotWorkStopTheStartWithOneLine() {
    int code =
        execute(
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dataDir.toString(),
            "--tls-ca",
            dataDir.resolve("ca.pem").toString());

    assertThat(code).isEqualTo(WeirControl.EXIT_CANNOT_START);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "weir-control: cannot start: "
                + "--tls-ca verifies client certificates, which needs TLS: add --tls-cert and --tls-key"
                + System.lineSeparator());
  }

  /** Starts on an ephemeral port and returns the port from the printed line. */
  private int start() throws Exception {
    WeirControl command = new WeirControl(print(out), print(err));
    WeirControl.commandLine(command)
        .parseArgs("--listen", "127.0.0.1:0", "--data-dir", dataDir.toString());
    plane = command.start();
    Matcher line = LISTENING.matcher(out.toString(StandardCharsets.UTF_8));
    assertThat(line.matches()).as("stdout is exactly the listening line: %s", out).isTrue();
    return Integer.parseInt(line.group(1));
  }

  private int execute(String... args) {
    return WeirControl.execute(args, print(out), print(err));
  }

  private AdminServiceGrpc.AdminServiceBlockingStub admin(int port) {
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    return AdminServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }
}
