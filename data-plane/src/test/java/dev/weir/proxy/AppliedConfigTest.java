package dev.weir.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.api.files.SnapshotFile;
import dev.weir.api.v1.Algorithm;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.proxy.control.LastConfigFile;
import dev.weir.proxy.listen.Pools;
import dev.weir.proxy.testing.EchoBackend;
import dev.weir.proxy.testing.FreePort;
import dev.weir.proxy.testing.Resources;
import dev.weir.proxy.testing.Snapshots;
import dev.weir.proxy.testing.TestClient;
import dev.weir.proxy.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved config: written on every apply, served by the next start, ignored when damaged. */
class AppliedConfigTest {

  @TempDir Path dir;
  private final Resources resources = new Resources();

  @AfterEach
  void closeEverything() throws Exception {
    resources.close();
  }

  /** A proxy's data plane whose event loop and listeners {@code owner} closes. */
  private static AppliedConfig dataPlane(Path file, Resources owner) {
    Transport transport = Transport.nio();
    EventLoopGroup group = transport.newEventLoopGroup(1, "test");
    owner.add(() -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly());
    Pools listeners =
        owner.add(
            new Pools(group, transport, 1, Duration.ofSeconds(1), Duration.ofSeconds(5), null));
    return new AppliedConfig(listeners, new LastConfigFile(file), Runnable::run);
  }

  @Test
  void anAppliedConfigIsServedAgainAfterARestartWithoutTheControlPlane() throws Exception {
    EchoBackend echo = resources.add(new EchoBackend("echo"));
    int port = FreePort.find();
    Path file = dir.resolve("edge.snapshot");
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder()
            .setVersion(7)
            .setNonce("n1")
            .addPools(
                Snapshots.pool("web", port, Algorithm.ROUND_ROBIN)
                    .addBackends(Snapshots.active(echo.address())))
            .build();

    Resources firstRun = new Resources();
    try (firstRun) {
      AppliedConfig first = dataPlane(file, firstRun);
      first.apply(snapshot, first.validate(snapshot));
    }
    assertThat(SnapshotFile.read(file).getVersion()).isEqualTo(7);
    assertThat(SnapshotFile.read(file).getNonce()).as("a nonce names one delivery").isEmpty();

    AppliedConfig restarted = dataPlane(file, resources);
    restarted.restore();

    assertThat(restarted.version()).isEqualTo(7);
    try (TestClient client = TestClient.connect(port)) {
      assertThat(client.readLine()).isEqualTo("echo");
    }
  }

  @Test
  void theFleetIdOfTheSavedConfigIsTheOneARestartedProxyServes() throws Exception {
    Path file = dir.resolve("edge.snapshot");
    ConfigSnapshot snapshot =
        ConfigSnapshot.newBuilder().setVersion(10).setFleetId("1a2b3c4d").build();
    Resources firstRun = new Resources();
    try (firstRun) {
      AppliedConfig first = dataPlane(file, firstRun);
      first.apply(snapshot, first.validate(snapshot));
      assertThat(first.fleetId()).isEqualTo("1a2b3c4d");
    }

    AppliedConfig restarted = dataPlane(file, resources);
    restarted.restore();

    assertThat(restarted.fleetId())
        .as("what it says in its hello and refuses others by")
        .isEqualTo("1a2b3c4d");
    assertThat(restarted.version()).isEqualTo(10);
  }

  @Test
  void aDamagedSavedConfigIsIgnored() throws Exception {
    Path file = dir.resolve("edge.snapshot");
    Files.write(file, new byte[] {'W', 'E', 'I', 'R', 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4, 5});

    AppliedConfig restarted = dataPlane(file, resources);
    restarted.restore();

    assertThat(restarted.version()).isZero();
    assertThat(restarted.listenerStats()).isEmpty();
  }
}
