package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.config.PoolOptions;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The relay stage on channels in memory: the client's connection, and backend connections that
 * succeed or fail when the test says.
 */
class FrontendHandlerTest {

  private final StageFixture connection = new StageFixture(3);
  private final FakeBackends backends = connection.backends;
  private final ListenerCounters listener = connection.listener;
  private ConnectionLease lease;
  private FrontendHandler relay;
  private ClientChannel client;

  @AfterEach
  void closeAll() {
    connection.close();
  }

  @Test
  void relaysWhatTheClientSentWhileConnectingThenBothWaysAndCountsIt() {
    start(PoolOptions.DEFAULTS);
    client.writeInbound(ascii("hello"));
    assertThat(backends.attempts).hasSize(1);

    backends.last().succeed();
    EmbeddedChannel backend = backends.last().backend();
    assertThat(Embedded.drainOutbound(backend)).isEqualTo("hello");
    client.writeInbound(ascii(" again"));
    backend.writeInbound(ascii("world"));

    assertThat(Embedded.drainOutbound(backend)).isEqualTo(" again");
    assertThat(Embedded.drainOutbound(client)).isEqualTo("world");
    assertThat(lease.bytesFromClient()).isEqualTo(11);
    assertThat(lease.bytesToClient()).isEqualTo(5);
    assertThat(relay.relaying()).isTrue();
    assertThat(relay.backend().active()).isEqualTo(1);
  }

  @Test
  void aFailedConnectIsRetriedOnAnotherBackendWithItsSlotMovedThere() {
    start(PoolOptions.DEFAULTS);
    FakeBackends.Attempt first = backends.last();

    first.fail();

    assertThat(backends.attempts).hasSize(2);
    assertThat(backends.last().target()).isNotEqualTo(first.target());
    assertThat(client.isOpen()).isTrue();
    assertThat(activeSlots()).isEqualTo(1);
    assertThat(relay.backend().address()).isNotEqualTo(addressOf(first));
    assertThat(
            backends.upstreams.stream()
                .mapToLong(u -> u.counters().snapshot().getConnectFailures())
                .sum())
        .isEqualTo(1);
  }

  @Test
  void aConnectionWhoseAttemptsAreUsedUpIsClosedAndGivesEverythingBackOnce() {
    start(PoolOptions.DEFAULTS);

    for (int i = 0; i < ConnectRetryPolicy.MAX_CONNECT_ATTEMPTS; i++) {
      backends.last().fail();
    }

    assertThat(backends.attempts).hasSize(ConnectRetryPolicy.MAX_CONNECT_ATTEMPTS);
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertEverythingGivenBack();
  }

  @Test
  void aFullBackendIsPassedOverForOneWithAFreeSlot() {
    backends.counters(0).tryAcquire(1);
    backends.counters(1).tryAcquire(1);
    start(FakeBackends.options(1, Duration.ZERO, 0, false, Duration.ofSeconds(5)));

    assertThat(addressOf(backends.last())).isEqualTo("c:80");
    assertThat(backends.counters(2).active()).isEqualTo(1);
    assertThat(
            backends.counters(0).snapshot().getRefusedConnections()
                + backends.counters(1).snapshot().getRefusedConnections())
        .isPositive();
  }

  @Test
  void aConnectionNoBackendCanTakeIsClosedAtOnceAndHoldsNothing() {
    for (int i = 0; i < 3; i++) {
      backends.counters(i).tryAcquire(1);
    }
    start(FakeBackends.options(1, Duration.ZERO, 0, false, Duration.ofSeconds(5)));

    assertThat(backends.attempts).isEmpty();
    assertThat(client.isOpen()).isFalse();
    assertThat(listener.snapshot().getNoBackendConnections()).isEqualTo(1);
    assertThat(connection.budget.active()).isZero();
    assertThat(listener.active()).isZero();
    assertThat(activeSlots()).as("the three taken by hand").isEqualTo(3);
  }

  @Test
  void aClientThatLeavesWhileConnectingGivesEverythingBackOnceWithoutBlamingTheBackend() {
    start(PoolOptions.DEFAULTS);
    ByteBuf early = ascii("never sent");
    client.writeInbound(early);

    client.close();

    assertThat(backends.last().backend().isOpen()).as("the attempt is abandoned").isFalse();
    assertThat(backends.attempts).as("and not retried").hasSize(1);
    assertThat(
            backends.counters(0).snapshot().getConnectFailures()
                + backends.counters(1).snapshot().getConnectFailures()
                + backends.counters(2).snapshot().getConnectFailures())
        .isZero();
    assertThat(early.refCnt()).isZero();
    assertEverythingGivenBack();
  }

  @Test
  void aClientThatClosesFirstClosesTheBackendAndGivesEverythingBackOnce() {
    start(PoolOptions.DEFAULTS);
    backends.last().succeed();

    client.close();
    backends.last().backend().runPendingTasks();

    assertThat(backends.last().backend().isOpen()).isFalse();
    assertEverythingGivenBack();
  }

  @Test
  void aBackendThatClosesFirstClosesTheClientAndGivesEverythingBackOnce() {
    start(PoolOptions.DEFAULTS);
    backends.last().succeed();

    backends.last().backend().close();
    client.runPendingTasks();

    assertThat(client.isOpen()).isFalse();
    assertEverythingGivenBack();
  }

  @Test
  void aDrainCutClosesBothSidesAndGivesEverythingBackOnce() {
    start(PoolOptions.DEFAULTS);
    backends.last().succeed();

    relay.closeGracefully(); // what a drain deadline does
    backends.last().backend().runPendingTasks();
    client.runPendingTasks();

    assertThat(client.isOpen()).isFalse();
    assertThat(backends.last().backend().isOpen()).isFalse();
    assertEverythingGivenBack();
  }

  @Test
  void anIdleConnectionIsClosedAtItsPoolsIdleTimeoutAndGivesEverythingBackOnce() {
    start(FakeBackends.options(0, Duration.ofMillis(300), 0, false, Duration.ofSeconds(5)));
    backends.last().succeed();

    client.advanceMillis(299);
    assertThat(client.isOpen()).isTrue();
    client.advanceMillis(1);

    assertThat(client.isOpen()).isFalse();
    assertThat(backends.last().backend().isOpen()).isFalse();
    assertEverythingGivenBack();
  }

  @Test
  void trafficKeepsAConnectionPastItsIdleTimeout() {
    start(FakeBackends.options(0, Duration.ofMillis(400), 0, false, Duration.ofSeconds(5)));
    backends.last().succeed();
    EmbeddedChannel backend = backends.last().backend();

    // Five idle timeouts long, never quiet for more than a quarter of one.
    int exchanged = 0;
    for (long waited = 0; waited < 2_000; waited += 100) {
      client.writeInbound(ascii("ping"));
      backend.writeInbound((ByteBuf) backend.readOutbound()); // the backend echoes
      assertThat(Embedded.drainOutbound(client)).isEqualTo("ping");
      exchanged++;
      client.advanceMillis(100);
    }
    assertThat(exchanged).isGreaterThanOrEqualTo(10);
    assertThat(client.isOpen()).isTrue();

    // And once quiet, it still ends.
    client.advanceMillis(400);
    assertThat(client.isOpen()).isFalse();
  }

  @Test
  void sendsTheBackendAProxyHeaderBeforeTheClientsBytes() {
    start(FakeBackends.options(0, Duration.ZERO, 1, false, Duration.ofSeconds(5)));
    client.writeInbound(ascii("ping"));

    backends.last().succeed();

    assertThat(Embedded.drainOutbound(backends.last().backend()))
        .isEqualTo("PROXY TCP4 192.0.2.10 127.0.0.1 40000 8080\r\nping");
  }

  private void start(PoolOptions options) {
    lease = connection.admit();
    relay = new FrontendHandler(backends.picker(), backends.settings(options), lease);
    client = connection.open(relay);
  }

  private long activeSlots() {
    return connection.activeSlots();
  }

  private void assertEverythingGivenBack() {
    connection.assertEverythingGivenBack();
  }

  private String addressOf(FakeBackends.Attempt attempt) {
    return backends.upstreams.stream()
        .filter(u -> u.config().socketAddress().equals(attempt.target()))
        .findFirst()
        .orElseThrow()
        .config()
        .address();
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, US_ASCII);
  }
}
