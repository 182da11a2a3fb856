package dev.weir.proxy.relay;

import dev.weir.proxy.stats.BackendCounters;
import dev.weir.proxy.stats.ListenerCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.function.LongSupplier;

/**
 * What one client connection holds while it is open: a place in the proxy-wide budget, a place in
 * its listener's count, and a slot on the backend it is relayed to once it has one. All three go
 * back together, exactly once, when the client's channel closes, whichever stage or side ended it;
 * so no stage has to remember what to give back on its own way out.
 *
 * <p>Also the connection's number and what it carried each way, for operators. Taken on the event
 * loop that accepted the connection, which is the one the connection is registered on; used only
 * there afterwards, so nothing here is synchronized.
 */
public final class ConnectionLease implements ChannelFutureListener {

  /** The proxy-wide cap on open client connections. */
  public interface Budget {
    /** Takes one place, or counts a refusal and returns false. */
    boolean tryAcquire();

    void release();
  }

  private final Budget budget;
  private final ListenerCounters listener;
  private final long sequence;
  // The backend slot held, or null between attempts and before the first.
  private BackendCounters slot;
  private boolean released;
  // Bytes relayed each way, for the operator view; written by the two relay handlers.
  long fromClient;
  long toClient;
  // The ClientHello's server name, for TLS routing listeners; written once by their stage.
  private String serverName = "";

  private ConnectionLease(Budget budget, ListenerCounters listener, long sequence) {
    this.budget = budget;
    this.listener = listener;
    this.sequence = sequence;
  }

  /**
   * Admits a connection within the proxy-wide budget and its listener's cap, or refuses it,
   * counting the refusal and giving back what was taken.
   *
   * @param maxConnections the listener's cap; 0 for none
   * @param sequences numbers the connections admitted
   * @return the lease, or null when refused
   */
  public static ConnectionLease admit(
      Budget budget, ListenerCounters listener, int maxConnections, LongSupplier sequences) {
    if (!budget.tryAcquire()) {
      listener.refused();
      return null;
    }
    if (!listener.tryAdmit(maxConnections)) {
      budget.release();
      return null;
    }
    return new ConnectionLease(budget, listener, sequences.getAsLong());
  }

  /** The connection's number on this proxy, for operators to name it by. */
  public long sequence() {
    return sequence;
  }

  /** The counters of the listener that accepted the connection. */
  public ListenerCounters listener() {
    return listener;
  }

  /** The server name the client's ClientHello named; empty when none did. */
  public String serverName() {
    return serverName;
  }

  void serverName(String name) {
    serverName = name;
  }

  public long bytesFromClient() {
    return fromClient;
  }

  public long bytesToClient() {
    return toClient;
  }

  /**
   * Takes a slot on {@code backend} within {@code limit} (0: none), or counts a refusal there. At
   * most one slot is held at a time; false as well once the lease is given back.
   */
  boolean takeSlot(BackendCounters backend, int limit) {
    if (released || slot != null || !backend.tryAcquire(limit)) {
      return false;
    }
    slot = backend;
    return true;
  }

  /** Gives back the backend slot, if one is held: its connect failed and another may be tried. */
  void returnSlot() {
    if (slot != null) {
      slot.release();
      slot = null;
    }
  }

  /** Gives everything back when {@code client} closes. */
  public void releaseOnClose(Channel client) {
    client.closeFuture().addListener(this);
  }

  /** Gives everything back now; for a connection that closes without its close future firing. */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    returnSlot();
    listener.closed();
    budget.release();
  }

  @Override
  public void operationComplete(ChannelFuture closed) {
    release();
  }
}
