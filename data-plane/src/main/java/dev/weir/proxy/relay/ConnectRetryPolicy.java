package dev.weir.proxy.relay;

import dev.weir.proxy.balance.Picker;
import dev.weir.proxy.balance.Upstream;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Which backend one client connection tries next, and whether it may try another: the picker's
 * choice first; a backend at its connection limit is passed over; after a failed connect, another
 * backend, up to {@value #MAX_CONNECT_ATTEMPTS} in all. A dead backend so costs the client a little
 * latency rather than its connection while others live.
 *
 * <p>The slot of the backend chosen is taken on the connection's {@link ConnectionLease}, which
 * gives it back when the connection ends. One per connection, on its event loop.
 */
final class ConnectRetryPolicy {

  /** Different backends one client connection may try before it is closed. */
  static final int MAX_CONNECT_ATTEMPTS = 3;

  private final Picker picker;
  private final ConnectionLease lease;
  private final int maxConnectionsPerBackend;
  private int attempts;
  // The backends that failed, made at the first failure.
  private Upstream[] tried;
  private boolean connectFailed;

  /**
   * @param picker the pool's picker when the connection was accepted
   */
  ConnectRetryPolicy(Picker picker, ConnectionLease lease, int maxConnectionsPerBackend) {
    this.picker = picker;
    this.lease = lease;
    this.maxConnectionsPerBackend = maxConnectionsPerBackend;
  }

  /** The first backend for a client at {@code client}, its slot taken; null when none will do. */
  Upstream first(InetSocketAddress client) {
    return withFreeSlot(picker.pick(client));
  }

  /**
   * {@code failed} could not be reached (its slot is back on the lease): another backend with its
   * slot taken, or null when attempts are used up or none is left.
   */
  Upstream next(Upstream failed) {
    connectFailed = true;
    return withFreeSlot(nextUntried(failed));
  }

  /** Whether any backend was tried and could not be reached, rather than none being free. */
  boolean connectFailed() {
    return connectFailed;
  }

  /** Why {@link #first} or {@link #next} found no backend, for the log. */
  String whyNone() {
    return tried == null
        ? "no backend takes new connections"
        : "every backend tried is full or failed";
  }

  /** {@code target} if it has a free slot, else the next backend that does; null if none. */
  private Upstream withFreeSlot(Upstream target) {
    while (target != null && !lease.takeSlot(target.counters(), maxConnectionsPerBackend)) {
      target = nextUntried(target);
    }
    return target;
  }

  /** Another backend to try after {@code failed}, or null when attempts are used up. */
  private Upstream nextUntried(Upstream failed) {
    List<Upstream> candidates = picker.candidates();
    int limit = Math.min(MAX_CONNECT_ATTEMPTS, candidates.size());
    if (tried == null) {
      tried = new Upstream[Math.max(1, limit)];
    }
    if (attempts < tried.length) {
      tried[attempts] = failed;
    }
    attempts++;
    if (attempts >= limit) {
      return null;
    }
    // Prefer the picker's choice so retries still follow the weights; fall back to a scan since
    // a heavily weighted dead backend could keep coming up.
    for (int i = 0; i < candidates.size(); i++) {
      Upstream u = picker.pick(null);
      if (u != null && !wasTried(u)) {
        return u;
      }
    }
    for (Upstream u : candidates) {
      if (!wasTried(u)) {
        return u;
      }
    }
    return null;
  }

  private boolean wasTried(Upstream u) {
    for (int i = 0; i < Math.min(attempts, tried.length); i++) {
      if (tried[i] == u) {
        return true;
      }
    }
    return false;
  }
}
