package dev.weir.e2e;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pools created with weirctl --http-connect on one port of a real weir-proxy: a client's
 * CONNECT request reaches the pool it names, any other target gets 403.
 */
class HttpConnectIT {

  private static final String PROXY = "127.0.0.8";
  private static final String ESTABLISHED = "HTTP/1.1 200 Connection Established\r\n\r\n";

  @TempDir Path dir;
  private Fleet fleet;

  @BeforeEach
  void startFleet() {
    fleet = new Fleet(dir);
    fleet.startControl(0);
    fleet.startProxy("proxy", PROXY);
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  @Test
  void clientsNameThePoolTheyWantOnOneSharedPort() throws Exception {
    Fleet.Backend red = fleet.startBackend("red");
    Fleet.Backend blue = fleet.startBackend("blue");
    int port = Fleet.freePortOn(PROXY);
    fleet
        .weirctl(
            "pool",
            "create",
            "red",
            "--listen",
            ":" + port,
            "--backend",
            red.address(),
            "--http-connect")
        .assertOk();
    fleet
        .weirctl(
            "pool",
            "create",
            "blue",
            "--listen",
            ":" + port,
            "--backend",
            blue.address(),
            "--http-connect",
            "--connect-authority",
            "blue.internal:5432")
        .assertOk();
    // A plain pool cannot join them: refused, naming a pool on the port.
    Fleet.CliResult plain =
        fleet.weirctl(
            "pool", "create", "green", "--listen", ":" + port, "--backend", red.address());
    assertThat(plain.exitCode()).isEqualTo(1);
    assertThat(plain.stderr()).contains("listen port " + port, "settings.http_connect.enabled");
    assertThat(fleet.weirctl("pool", "show", "blue").assertOk().stdout())
        .contains("HTTP CONNECT", "blue.internal:5432");
    fleet.awaitAllAcked("proxy");

    assertThat(tunnel(port, "red:" + port)).isEqualTo("red");
    assertThat(tunnel(port, "blue.internal:5432")).isEqualTo("blue");
    assertThat(answer(port, "CONNECT blue:" + port + " HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 403 Forbidden\r\n");
    assertThat(answer(port, "CONNECT example.com:443 HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 403 Forbidden\r\n");
    // The first refusal is always logged (later ones at most ten a second).
    fleet
        .program("proxy")
        .awaitLine(
            Pattern.compile("refused CONNECT from \\S+ to blue:" + port), Duration.ofSeconds(10));
  }

  /** Tunnels to {@code target}, checks an echo through it, returns the backend's name. */
  private static String tunnel(int port, String target) throws IOException {
    try (Socket socket = open(port)) {
      socket
          .getOutputStream()
          .write(
              ("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\nhello\n")
                  .getBytes(US_ASCII));
      InputStream in = socket.getInputStream();
      assertThat(new String(in.readNBytes(ESTABLISHED.length()), US_ASCII)).isEqualTo(ESTABLISHED);
      String backend = line(in);
      assertThat(line(in)).isEqualTo("hello");
      return backend;
    }
  }

  /** Sends {@code request}, returns all the proxy answers before it closes. */
  private static String answer(int port, String request) throws IOException {
    try (Socket socket = open(port)) {
      socket.getOutputStream().write(request.getBytes(US_ASCII));
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      try {
        for (int b; (b = socket.getInputStream().read()) >= 0; ) {
          read.write(b);
        }
      } catch (SocketException reset) {
        // A reset after the answer still leaves the answer read.
      }
      return read.toString(US_ASCII);
    }
  }

  private static Socket open(int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(PROXY, port), 5_000);
      socket.setSoTimeout(10_000);
      return socket;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) != '\n'; ) {
      if (b < 0) {
        throw new IOException("end of stream after \"" + line.toString(US_ASCII) + "\"");
      }
      line.write(b);
    }
    return line.toString(US_ASCII);
  }
}
