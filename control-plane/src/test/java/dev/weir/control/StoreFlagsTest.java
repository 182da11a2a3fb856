package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --store}, {@code --etcd-endpoints} and {@code --etcd-prefix}. */
class StoreFlagsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  @TempDir Path dataDir;

  @Test
  void anUnknownStoreIsAUsageErrorNamingTheAllowedOnes() {
    int code = run("--store", "zookeeper");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--store", "zookeeper", "embedded, etcd");
  }

  @Test
  void etcdNeedsEndpoints() {
    int code = run("--store", "etcd");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--store etcd needs --etcd-endpoints");
  }

  @Test
  void endpointsAreOnlyForEtcd() {
    int code = run("--etcd-endpoints", "http://127.0.0.1:2379");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--etcd-endpoints is only used with --store etcd");
  }

  @Test
  void anEndpointMustBeAnHttpUrlWithHostAndPort() {
    assertThat(run("--store", "etcd", "--etcd-endpoints", "127.0.0.1:2379")).isEqualTo(2);
    assertThat(err()).contains("\"127.0.0.1:2379\" is invalid", "http://127.0.0.1:2379");
    err.reset();

    assertThat(run("--store", "etcd", "--etcd-endpoints", "http://127.0.0.1:2379,http://h"))
        .isEqualTo(2);
    assertThat(err()).contains("\"http://h\" is invalid: it needs a host and a port");
    err.reset();

    assertThat(run("--store", "etcd", "--etcd-endpoints", "https://127.0.0.1:2379"))
        .isEqualTo(2);
    assertThat(err()).contains("the scheme must be http");
  }

  @Test
  void thePrefixMustBeAKeyDirectory() {
    int code = run("--store", "etcd", "--etcd-endpoints", "http://127.0.0.1:2379",
        "--etcd-prefix", "weir");

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--etcd-prefix must start and end with '/'", "\"weir\"");
  }

  @Test
  void anUnreachableEtcdStopsTheStartWithOneLineNamingIt() throws Exception {
    String endpoint = "http://127.0.0.1:" + unusedPort();

    int code = run("--store", "etcd", "--etcd-endpoints", endpoint);

    assertThat(code).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(err())
        .startsWith("weir-control: cannot start: cannot read the configuration: etcd at "
            + endpoint + " ")
        .hasLineCount(1);
  }

  @Test
  void helpListsTheStoreFlags() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("--store=KIND", "embedded, etcd", "--etcd-endpoints=URL", "--etcd-prefix");
  }

  private int run(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--listen";
    all[1] = "127.0.0.1:0";
    all[2] = "--data-dir";
    all[3] = dataDir.toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return WeirControl.execute(all, print(out), print(err));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static int unusedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
