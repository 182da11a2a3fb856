package dev.weir.proxy.control;

import static dev.weir.api.v1.ProxyMessage.KindCase.APPLIED;
import static dev.weir.api.v1.ProxyMessage.KindCase.HELLO;
import static dev.weir.api.v1.ProxyMessage.KindCase.NACK;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.weir.api.v1.ConfigNack;
import dev.weir.api.v1.ConfigSnapshot;
import dev.weir.api.v1.ControlMessage;
import dev.weir.api.v1.Hello;
import dev.weir.api.v1.NackKind;
import dev.weir.api.v1.Pool;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A proxy keeps serving rather than take another fleet's config, or an older one. */
class FleetRefusalTest {
  private static final String FLEET = "1a2b3c4d-0000-4000-8000-000000000001";
  private static final String OTHER_FLEET = "8f3c0000-0000-4000-8000-000000000002";

  private final FakeProxyService controlPlane = new FakeProxyService();
  private final FakeControlledProxy applier = new FakeControlledProxy(10);
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private Server server;
  private ManagedChannel channel;
  private ControlPlaneClient client;

  @BeforeEach
  void start() throws IOException {
    applier.fleetId = FLEET;
    String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(controlPlane)
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    client =
        new ControlPlaneClient(
            channel,
            "in-process:" + name,
            Hello.newBuilder().setProxyId("edge-1").setHostname("h").setVersion("test").build(),
            applier,
            scheduler,
            Duration.ofHours(1),
            new ReconnectBackoff(Duration.ofMillis(1), Duration.ofMillis(20), () -> 0.5),
            Clock.systemUTC());
    client.start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    client.close();
    channel.shutdownNow();
    server.shutdownNow();
    scheduler.shutdownNow();
    assertThat(channel.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void saysWhichFleetAndVersionItServesInItsHello() {
    FakeProxyService.Stream stream = awaitStream(0);

    await().until(() -> !stream.received(HELLO).isEmpty());
    Hello hello = stream.received(HELLO).get(0).getHello();
    assertThat(hello.getFleetId()).isEqualTo(FLEET);
    assertThat(hello.getConfigVersion()).isEqualTo(10);
  }

  @Test
  void refusesAnotherFleetsEmptyConfigAndKeepsServingItsOwn() {
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(0, OTHER_FLEET, "n0", false));

    ConfigNack nack = awaitNack(stream, 1);
    assertThat(nack.getKind()).isEqualTo(NackKind.OTHER_FLEET);
    assertThat(nack.getReason())
        .isEqualTo(
            "refused config version 0 of fleet "
                + OTHER_FLEET
                + ": this proxy serves version 10 of fleet "
                + FLEET
                + "; a control plane with another "
                + "store cannot take over a fleet until an operator adopts it (weirctl fleet adopt)");
    assertThat(applier.applied).isEmpty();
    assertThat(applier.version()).isEqualTo(10);
    assertThat(client.refusing()).isEqualTo(NackKind.OTHER_FLEET);
  }

  @Test
  void refusesAnotherFleetEvenAtAHigherVersion() {
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(11, OTHER_FLEET, "n11", true));

    assertThat(awaitNack(stream, 1).getKind()).isEqualTo(NackKind.OTHER_FLEET);
    assertThat(applier.applied).isEmpty();
  }

  @Test
  void refusesAnOlderVersionOfItsOwnFleet() {
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(4, FLEET, "n4", true));

    ConfigNack nack = awaitNack(stream, 1);
    assertThat(nack.getKind()).isEqualTo(NackKind.OLDER_VERSION);
    assertThat(nack.getReason())
        .isEqualTo(
            "refused config version 4 of fleet "
                + FLEET
                + ": this proxy serves the newer version 10; a control plane restored from an older "
                + "backup cannot roll the fleet back until an operator adopts it (weirctl fleet adopt)");
    assertThat(applier.applied).isEmpty();
    assertThat(client.refusing()).isEqualTo(NackKind.OLDER_VERSION);
  }

  @Test
  void followsTheAdoptedConfigOnceItCarriesItsFleetAboveItsVersion() {
    FakeProxyService.Stream stream = awaitStream(0);
    stream.send(snapshot(0, OTHER_FLEET, "n0", false));
    awaitNack(stream, 1);

    stream.send(snapshot(11, FLEET, "n11", false));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(applier.version()).isEqualTo(11);
    assertThat(applier.applied.get(0).getPoolsList()).isEmpty();
    assertThat(client.refusing()).isEqualTo(NackKind.NACK_KIND_UNSPECIFIED);
  }

  @Test
  void aProxyWithoutAFleetIdTakesTheFirstItIsSent() {
    applier.fleetId = "";
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(10, OTHER_FLEET, "n10", true));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(applier.fleetId()).isEqualTo(OTHER_FLEET);
  }

  @Test
  void aProxyWithNoConfigTakesAnyFleetAtAnyVersion() {
    applier.version = 0;
    applier.fleetId = "";
    FakeProxyService.Stream stream = awaitStream(0);

    stream.send(snapshot(0, OTHER_FLEET, "n0", false));

    await().until(() -> stream.received(APPLIED).size() == 1);
    assertThat(client.refusing()).isEqualTo(NackKind.NACK_KIND_UNSPECIFIED);
  }

  private FakeProxyService.Stream awaitStream(int i) {
    await().until(() -> controlPlane.streams.size() > i);
    return controlPlane.stream(i);
  }

  private static ConfigNack awaitNack(FakeProxyService.Stream stream, int count) {
    await().until(() -> stream.received(NACK).size() >= count);
    return stream.received(NACK).get(count - 1).getNack();
  }

  private static ControlMessage snapshot(
      long version, String fleet, String nonce, boolean withPool) {
    ConfigSnapshot.Builder snapshot =
        ConfigSnapshot.newBuilder().setVersion(version).setFleetId(fleet).setNonce(nonce);
    if (withPool) {
      snapshot.addPools(Pool.newBuilder().setName("web").setListen(":8080"));
    }
    return ControlMessage.newBuilder().setSnapshot(snapshot).build();
  }
}
