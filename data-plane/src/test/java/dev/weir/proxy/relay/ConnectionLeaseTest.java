package dev.weir.proxy.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ConnectionLeaseTest {

  private final ListenerCounters listener = new ListenerCounters("web", "127.0.0.1:80");
  private final BackendCounters backend = new BackendCounters("web", "10.0.0.1:80");

  @Test
  void aClosedConnectionGivesItsPlaceBack() {
    ConnectionBudget budget = new ConnectionBudget(1);
    EmbeddedChannel connection = new EmbeddedChannel();
    ConnectionLease lease = ConnectionLease.admit(budget, listener, 0, () -> 1);
    assertThat(lease).isNotNull();
    lease.releaseOnClose(connection);
    assertThat(budget.tryAcquire()).isFalse();

    connection.close();

    assertThat(budget.active()).isZero();
    assertThat(budget.tryAcquire()).isTrue();
  }

  @Test
  void givesTheBudgetTheListenerPlaceAndTheBackendSlotBackTogetherExactlyOnce() {
    ConnectionBudget budget = new ConnectionBudget(10);
    ConnectionLease lease = ConnectionLease.admit(budget, listener, 0, () -> 7);
    assertThat(lease.takeSlot(backend, 0)).isTrue();
    assertThat(lease.sequence()).isEqualTo(7);

    lease.release();
    lease.release();
    lease.returnSlot();

    assertThat(budget.active()).isZero();
    assertThat(listener.active()).isZero();
    assertThat(backend.active()).isZero();
  }

  @Test
  void aSlotGivenBackAfterAFailedConnectLeavesTheOthersHeld() {
    ConnectionBudget budget = new ConnectionBudget(10);
    ConnectionLease lease = ConnectionLease.admit(budget, listener, 0, () -> 1);
    BackendCounters other = new BackendCounters("web", "10.0.0.2:80");
    lease.takeSlot(backend, 0);

    lease.returnSlot();
    assertThat(lease.takeSlot(other, 0)).isTrue();

    assertThat(backend.active()).isZero();
    assertThat(other.active()).isEqualTo(1);
    assertThat(budget.active()).isEqualTo(1);
    assertThat(listener.active()).isEqualTo(1);
    lease.release();
    assertThat(other.active()).isZero();
  }

  @Test
  void aBackendAtItsLimitGivesNoSlotAndCountsTheRefusal() {
    ConnectionLease lease = Leases.admit(listener);
    backend.tryAcquire(1);

    assertThat(lease.takeSlot(backend, 1)).isFalse();

    assertThat(backend.active()).isEqualTo(1);
    assertThat(backend.snapshot().getRefusedConnections()).isEqualTo(1);
  }

  @Test
  void noSlotIsTakenOnceTheLeaseIsGivenBack() {
    ConnectionLease lease = Leases.admit(listener);
    lease.release();

    assertThat(lease.takeSlot(backend, 0)).isFalse();
    assertThat(backend.active()).isZero();
  }

  @Test
  void aConnectionRefusedByTheBudgetHoldsNothingAndIsCountedAsRefused() {
    ConnectionBudget budget = new ConnectionBudget(1);
    budget.tryAcquire();

    assertThat(ConnectionLease.admit(budget, listener, 0, () -> 1)).isNull();

    assertThat(budget.active()).isEqualTo(1);
    assertThat(budget.refused()).isEqualTo(1);
    assertThat(listener.active()).isZero();
    assertThat(listener.snapshot().getRefusedConnections()).isEqualTo(1);
  }

  @Test
  void aConnectionRefusedByItsListenerGivesItsBudgetPlaceBack() {
    ConnectionBudget budget = new ConnectionBudget(10);
    ConnectionLease.admit(budget, listener, 1, () -> 1);

    assertThat(ConnectionLease.admit(budget, listener, 1, () -> 2)).isNull();

    assertThat(budget.active()).isEqualTo(1);
    assertThat(listener.active()).isEqualTo(1);
    assertThat(listener.snapshot().getRefusedConnections()).isEqualTo(1);
  }
}
