package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.balance.Upstream;
import dev.weir.proxy.stats.ListenerCounters;
import java.net.InetSocketAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectRetryPolicyTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.10", 40000);

  private final FakeBackends backends = new FakeBackends(5);
  private final ConnectionLease lease = Leases.admit(new ListenerCounters("web", "x:1"));

  @Test
  void triesDifferentBackendsUpToTheAttemptLimitEvenWhenThePoolHasMore() {
    ConnectRetryPolicy retries = new ConnectRetryPolicy(backends.picker(), lease, 0);

    Upstream first = retries.first(CLIENT);
    lease.returnSlot();
    Upstream second = retries.next(first);
    lease.returnSlot();
    Upstream third = retries.next(second);
    lease.returnSlot();

    assertThat(Set.of(first, second, third)).hasSize(3);
    assertThat(retries.next(third)).isNull();
    assertThat(retries.connectFailed()).isTrue();
    assertThat(retries.whyNone()).isEqualTo("every backend tried is full or failed");
  }

  @Test
  void takesTheSlotOfTheBackendItChooses() {
    ConnectRetryPolicy retries = new ConnectRetryPolicy(backends.picker(), lease, 1);

    Upstream chosen = retries.first(CLIENT);

    assertThat(chosen.counters().active()).isEqualTo(1);
    assertThat(retries.connectFailed()).isFalse();
  }

  @Test
  void passesOverFullBackendsWithoutCountingThemAsFailed() {
    backends.counters(0).tryAcquire(1);
    ConnectRetryPolicy retries = new ConnectRetryPolicy(backends.picker(), lease, 1);

    Upstream chosen = retries.first(CLIENT);

    assertThat(chosen).isSameAs(backends.upstreams.get(1));
    assertThat(backends.counters(0).snapshot().getRefusedConnections()).isEqualTo(1);
    assertThat(retries.connectFailed()).isFalse();
  }

  @Test
  void saysWhyWhenThePickerHasNoBackend() {
    ConnectRetryPolicy retries = new ConnectRetryPolicy(new FakeBackends(0).picker(), lease, 0);

    assertThat(retries.first(CLIENT)).isNull();
    assertThat(retries.whyNone()).isEqualTo("no backend takes new connections");
  }
}
