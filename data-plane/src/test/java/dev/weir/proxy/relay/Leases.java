package dev.weir.proxy.relay;

import dev.weir.proxy.listen.ConnectionBudget;
import dev.weir.proxy.stats.ListenerCounters;
import java.util.concurrent.atomic.AtomicLong;

/** Leases for connections made by hand in tests, numbered from 1. */
final class Leases {

  private static final AtomicLong SEQUENCES = new AtomicLong(1);

  private Leases() {}

  /** A lease within an unlimited budget. */
  static ConnectionLease admit(ListenerCounters listener) {
    return admit(ConnectionBudget.unlimited(), listener);
  }

  static ConnectionLease admit(ConnectionBudget budget, ListenerCounters listener) {
    ConnectionLease lease = ConnectionLease.admit(budget, listener, 0, SEQUENCES::getAndIncrement);
    if (lease == null) {
      throw new IllegalStateException("budget full");
    }
    return lease;
  }
}
