package dev.weir.proxy.listen;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy-wide cap on open client connections ({@code --max-connections}), over every listener.
 * Each pool's own {@code max_connections} still applies inside it; this one keeps the sum of them
 * (and of pools without a cap) under what the process can hold, file descriptors above all: a
 * relayed connection takes two.
 *
 * <p>Checked on every accept, like the per-listener cap, with a compare-and-set and no lock.
 */
public final class ConnectionBudget {
  /** Kept for listening sockets, health checks, the control stream and the JVM's own files. */
  static final long RESERVED_FILE_DESCRIPTORS = 256;
  /** Where the open-file limit cannot be read. */
  static final long FALLBACK_LIMIT = 100_000;

  private final long limit;
  private final AtomicLong active = new AtomicLong();
  private final LongAdder refused = new LongAdder();
  // One instance for every connection, so a close costs no allocation here.
  private final ChannelFutureListener release = this::released;

  /** @param limit open client connections allowed at once, at least 1 */
  public ConnectionBudget(long limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /** No cap: for tests and embedders that set their own. */
  public static ConnectionBudget unlimited() {
    return new ConnectionBudget(Long.MAX_VALUE);
  }

  /**
   * The default for {@code --max-connections}: what the open-file limit leaves, two descriptors
   * per connection, after {@value #RESERVED_FILE_DESCRIPTORS} kept for everything else.
   *
   * @param maxFileDescriptors the process's open-file limit, or -1 if unknown
   */
  public static long defaultLimit(long maxFileDescriptors) {
    if (maxFileDescriptors < 0) {
      return FALLBACK_LIMIT;
    }
    return Math.max(1, (maxFileDescriptors - RESERVED_FILE_DESCRIPTORS) / 2);
  }

  /** Takes one connection from the budget, or counts a refusal and returns false. */
  boolean tryAcquire() {
    long current;
    do {
      current = active.get();
      if (current >= limit) {
        refused.increment();
        return false;
      }
    } while (!active.compareAndSet(current, current + 1));
    return true;
  }

  /** Gives the connection back when it closes. */
  void releaseOnClose(ChannelFuture closeFuture) {
    closeFuture.addListener(release);
  }

  /** Gives back a connection that was taken but then not admitted. */
  void release() {
    active.decrementAndGet();
  }

  public long limit() {
    return limit;
  }

  public long active() {
    return active.get();
  }

  /** Connections refused because the proxy was at its limit, since it started. */
  public long refused() {
    return refused.sum();
  }

  private void released(ChannelFuture future) {
    active.decrementAndGet();
  }
}
