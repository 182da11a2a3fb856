package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.NackKind;
import dev.weir.proxy.control.ControlPlaneAddresses;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.Snapshots;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A proxy built from plain settings, with no control plane to talk to. */
class ProxyServerTest {

  @TempDir Path stateDir;
  private final Resources resources = new Resources();

  @AfterEach
  void tearDown() throws Exception {
    resources.close();
  }

  /** Settings for a proxy whose control plane is nowhere, so it never gets a config. */
  private ProxySettings settings() {
    return new ProxySettings(
        "server-test",
        ControlPlaneAddresses.parse("127.0.0.1:" + FreePort.find()),
        InsecureChannelCredentials.create(),
        null,
        null,
        null,
        Duration.ofSeconds(5),
        Duration.ofSeconds(1),
        1,
        Transport.nio(),
        null,
        stateDir,
        Duration.ofSeconds(1),
        null);
  }

  @Test
  void aServerBuiltFromSettingsServesItsSavedConfigWithoutTheControlPlane() throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port = FreePort.find();
    new LastConfigFile(stateDir.resolve("server-test.snapshot"))
        .save(
            ConfigSnapshot.newBuilder()
                .setVersion(3)
                .addPools(
                    Snapshots.pool("web", port, Algorithm.ROUND_ROBIN)
                        .addBackends(Snapshots.active(echo.address())))
                .build());

    ProxyServer server = resources.add(new ProxyServer(settings()).start());

    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
    }
    assertThat(server.controlPlaneConnected()).isFalse();
    assertThat(server.configRefusal()).isEqualTo(NackKind.NACK_KIND_UNSPECIFIED);
  }

  @Test
  void closingTwiceStopsOnceAndReleasesWhoeverAwaitsTheStop() throws Exception {
    ProxyServer server = new ProxyServer(settings()).start();

    server.close();
    server.close();
    server.shutdownGracefully();

    server.awaitStopped();
    assertThat(server.controlPlaneConnected()).isFalse();
  }
}
