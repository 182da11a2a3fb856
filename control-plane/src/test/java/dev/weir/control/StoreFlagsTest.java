package dev.weir.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --store}, {@code --etcd-endpoints}, {@code --etcd-prefix} and TLS to etcd. */
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

    assertThat(run("--store", "etcd", "--etcd-endpoints", "ftp://127.0.0.1:2379")).isEqualTo(2);
    assertThat(err()).contains("the scheme must be http or https");
  }

  @Test
  void endpointsUseOneScheme() {
    int code =
        run("--store", "etcd", "--etcd-endpoints", "https://127.0.0.1:2379,http://127.0.0.1:2380");

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("--etcd-endpoints mixes http:// and https://", "http://127.0.0.1:2380");
  }

  @Test
  void tlsFilesNeedHttpsEndpoints() throws Exception {
    Path ca = Files.writeString(dataDir.resolve("ca.pem"), "x");

    int code =
        run(
            "--store",
            "etcd",
            "--etcd-endpoints",
            "http://127.0.0.1:2379",
            "--etcd-ca",
            ca.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains(
            "--etcd-ca, --etcd-cert and --etcd-key are for TLS to etcd, "
                + "which needs https:// endpoints");
  }

  @Test
  void tlsFilesAreOnlyForEtcd() throws Exception {
    Path ca = Files.writeString(dataDir.resolve("ca.pem"), "x");

    int code = run("--etcd-ca", ca.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err())
        .contains("--etcd-ca, --etcd-cert and --etcd-key are only used with " + "--store etcd");
  }

  @Test
  void aClientCertificateNeedsItsKey() throws Exception {
    Path cert = Files.writeString(dataDir.resolve("cert.pem"), "x");

    int code =
        run(
            "--store",
            "etcd",
            "--etcd-endpoints",
            "https://127.0.0.1:2379",
            "--etcd-cert",
            cert.toString());

    assertThat(code).isEqualTo(2);
    assertThat(err()).contains("--etcd-cert and --etcd-key go together");
  }

  @Test
  void aMissingOrBrokenCaFileIsNamedWithItsFlag() throws Exception {
    Path missing = dataDir.resolve("nowhere.pem");
    assertThat(
            run(
                "--store",
                "etcd",
                "--etcd-endpoints",
                "https://127.0.0.1:2379",
                "--etcd-ca",
                missing.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("--etcd-ca " + missing + ": no such file");
    err.reset();

    Path broken = Files.writeString(dataDir.resolve("broken.pem"), "not a certificate");
    assertThat(
            run(
                "--store",
                "etcd",
                "--etcd-endpoints",
                "https://127.0.0.1:2379",
                "--etcd-ca",
                broken.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("--etcd-ca " + broken + ": not a PEM certificate");
  }

  @Test
  void thePrefixMustBeAKeyDirectory() {
    int code =
        run(
            "--store",
            "etcd",
            "--etcd-endpoints",
            "http://127.0.0.1:2379",
            "--etcd-prefix",
            "weir");

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
        .startsWith(
            "weir-control: cannot start: cannot read the configuration: etcd at " + endpoint + " ")
        .hasLineCount(1);
  }

  @Test
  void helpListsTheStoreFlags() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains(
            "--store=KIND",
            "embedded, etcd",
            "--etcd-endpoints=URL",
            "--etcd-prefix",
            "--etcd-ca=FILE",
            "--etcd-cert=FILE",
            "--etcd-key=FILE");
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
