package dev.weir.proxy.stats;

import dev.weir.api.v1.ListenerStats;
import java.util.concurrent.atomic.LongAdder;

/** What one listener has accepted, refused and holds open, for stats and limits. */
public final class ListenerCounters {

  private final String address;
  private volatile String pool;
  private final CappedCount active = new CappedCount();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder noBackend = new LongAdder();
  private final LongAdder proxyHeaderRejections = new LongAdder();
  private final LongAdder operatorClosed = new LongAdder();
  private final LongAdder connectForbidden = new LongAdder();
  private final LongAdder connectRejected = new LongAdder();
  private final LongAdder sniUnmatched = new LongAdder();
  private final LongAdder sniRejected = new LongAdder();
  private final LongAdder tlsHandshakeFailures = new LongAdder();

  public ListenerCounters(String pool, String address) {
    this.pool = pool;
    this.address = address;
  }

  /**
   * The listener now serves another pool (a pool was renamed or a port moved), or other pools (an
   * HTTP CONNECT listener's, joined by ",").
   */
  public void pool(String name) {
    this.pool = name;
  }

  /**
   * Admits an accepted connection, or refuses it (and counts that) when {@code limit} connections
   * are open. A limit of 0 means unlimited.
   */
  public boolean tryAdmit(int limit) {
    accepted.increment();
    return active.tryTake(limit);
  }

  /** Counts an accepted connection refused for a reason outside this listener's own limit. */
  public void refused() {
    accepted.increment();
    active.refuse();
  }

  /** An admitted connection closed. */
  public void closed() {
    active.release();
  }

  /** An admitted connection was closed because no backend could take it. */
  public void noBackend() {
    noBackend.increment();
  }

  /** A connection was closed for a malformed or missing PROXY protocol header. */
  public void proxyHeaderRejected() {
    proxyHeaderRejections.increment();
  }

  /** An operator closed a connection (AdminService.CloseConnection). */
  public void operatorClosed() {
    operatorClosed.increment();
  }

  /** An HTTP CONNECT request named a target no pool of this listener answers to. */
  public void connectForbidden() {
    connectForbidden.increment();
  }

  /** A connection was closed for a malformed, oversized, late or non-CONNECT request head. */
  public void connectRejected() {
    connectRejected.increment();
  }

  /** A TLS ClientHello named a server (or none) no pool of this listener takes. */
  public void sniUnmatched() {
    sniUnmatched.increment();
  }

  /** A TLS routing connection was closed for first bytes that were no (timely) ClientHello. */
  public void sniRejected() {
    sniRejected.increment();
  }

  /** A client's TLS handshake with a terminating pool failed or timed out. */
  public void tlsHandshakeFailed() {
    tlsHandshakeFailures.increment();
  }

  public long active() {
    return active.open();
  }

  public ListenerStats snapshot() {
    return ListenerStats.newBuilder()
        .setPool(pool)
        .setAddress(address)
        .setAcceptedConnections(accepted.sum())
        .setRefusedConnections(active.refused())
        .setNoBackendConnections(noBackend.sum())
        .setActiveConnections(active.open())
        .setProxyHeaderRejections(proxyHeaderRejections.sum())
        .setOperatorClosedConnections(operatorClosed.sum())
        .setConnectForbidden(connectForbidden.sum())
        .setConnectRejected(connectRejected.sum())
        .setSniUnmatched(sniUnmatched.sum())
        .setSniRejected(sniRejected.sum())
        .setTlsHandshakeFailures(tlsHandshakeFailures.sum())
        .build();
  }
}
