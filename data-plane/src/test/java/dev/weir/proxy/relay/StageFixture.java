package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;

/**
 * One client connection for stage tests: the proxy budget and listener it is admitted by, the
 * pool's backends (connected in memory), its lease and its channel. Whatever ends the connection,
 * its lease must give everything back exactly once; a second time would show as a count below zero.
 */
final class StageFixture implements AutoCloseable {

  final ConnectionBudget budget = new ConnectionBudget(100);
  final ListenerCounters listener = new ListenerCounters("web", "127.0.0.1:8080");
  final FakeBackends backends;
  ConnectionLease lease;
  ClientChannel client;

  StageFixture(int backends) {
    this.backends = new FakeBackends(backends);
  }

  /** Admits a connection: its stages are made with the lease, then {@link #open}ed. */
  ConnectionLease admit() {
    lease = Leases.admit(budget, listener);
    return lease;
  }

  /** Opens the admitted connection through {@code stages}, as the listener does. */
  ClientChannel open(ChannelHandler... stages) {
    client = ClientChannel.with(stages);
    lease.releaseOnClose(client);
    return client;
  }

  /** The client sends {@code ascii}. */
  void send(String ascii) {
    client.writeInbound(Unpooled.copiedBuffer(ascii, US_ASCII));
  }

  long activeSlots() {
    return backends.upstreams.stream().mapToLong(u -> u.counters().active()).sum();
  }

  void assertEverythingGivenBack() {
    assertThat(budget.active()).as("proxy budget").isZero();
    assertThat(listener.active()).as("listener count").isZero();
    assertThat(activeSlots()).as("backend slots").isZero();
  }

  @Override
  public void close() {
    if (client != null) {
      client.finishAndReleaseAll();
    }
    backends.attempts.forEach(a -> a.backend().finishAndReleaseAll());
  }
}
