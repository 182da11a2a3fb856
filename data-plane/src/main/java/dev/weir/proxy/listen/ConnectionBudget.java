package dev.weir.proxy.listen;

import dev.weir.proxy.relay.ConnectionLease;
import dev.weir.proxy.stats.CappedCount;

/**
 * The proxy-wide cap on open client connections ({@code --max-connections}), over every listener.
 * Each pool's own {@code max_connections} still applies inside it; this one keeps the sum of them
 * (and of pools without a cap) under what the process can hold: a relayed connection takes two file
 * descriptors and a few KiB of heap.
 *
 * <p>Checked on every accept, like the per-listener cap, with a compare-and-set and no lock.
 */
public final class ConnectionBudget implements ConnectionLease.Budget {
  /** Kept for listening sockets, health checks, the control stream and the JVM's own files. */
  static final long RESERVED_FILE_DESCRIPTORS = 256;

  /**
   * What grpc's client event loops take per core, opened after the default is worked out: two loops
   * per core, each with an epoll, an event and a timer descriptor.
   */
  static final long GRPC_FILE_DESCRIPTORS_PER_CORE = 6;

  /** Pools whose listening sockets (one per event loop) the reserve makes room for. */
  static final long LISTENING_POOLS = 16;

  /** The control stream, /metrics, the saved config, health checks in flight, and the log. */
  static final long SLACK_FILE_DESCRIPTORS = 64;

  /** Where the open-file limit cannot be read. */
  static final long FALLBACK_LIMIT = 100_000;

  /** Heap kept for everything but connections: the config, the control stream, the JVM. */
  static final long RESERVED_HEAP = 64L << 20;

  /** Heap allowed per open connection: what an idle one holds, and room to work. */
  static final long HEAP_PER_CONNECTION = 4096;

  private final long limit;
  private final CappedCount active = new CappedCount();

  /**
   * @param limit open client connections allowed at once, at least 1
   */
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
   * The default for {@code --max-connections}: what the open-file limit leaves, two descriptors per
   * connection, after {@value #RESERVED_FILE_DESCRIPTORS} kept for everything else; and no more
   * than the heap can hold, at {@value #HEAP_PER_CONNECTION} bytes per connection after {@value
   * #RESERVED_HEAP} kept for the config, the control stream and the JVM.
   *
   * <p>The heap term matters with a small {@code -Xmx} and a large open-file limit: an idle relayed
   * connection holds a few KiB of heap (its two Netty channels and the relay's state;
   * bench/README.md has the measurement), so a small heap with a high open-file limit would
   * otherwise admit clients until the heap ran out, rather than reset the excess at accept.
   *
   * @param maxFileDescriptors the process's open-file limit, or -1 if unknown
   * @param maxHeapBytes the most heap the JVM will use ({@code Runtime.maxMemory()})
   */
  public static long defaultLimit(long maxFileDescriptors, long maxHeapBytes) {
    return defaultLimit(maxFileDescriptors, 0, 0, 0, maxHeapBytes);
  }

  /**
   * As {@link #defaultLimit(long, long)}, with a reserve that also counts what this process has
   * open already and what it opens later, so the default cannot run it out of descriptors at a low
   * open-file limit on a machine with many cores: the descriptors open now (the JVM's, the relay's
   * event loops), {@value #GRPC_FILE_DESCRIPTORS_PER_CORE} per core for grpc's client event loops,
   * one listening socket per event loop for each of {@value #LISTENING_POOLS} pools, and {@value
   * #SLACK_FILE_DESCRIPTORS} more; at least {@value #RESERVED_FILE_DESCRIPTORS}.
   *
   * @param openFileDescriptors descriptors open now, after the relay's event loops started
   */
  public static long defaultLimit(
      long maxFileDescriptors,
      long openFileDescriptors,
      int cores,
      int eventLoops,
      long maxHeapBytes) {
    return defaultLimit(
        maxFileDescriptors, openFileDescriptors, cores, eventLoops, 0, maxHeapBytes);
  }

  /**
   * As {@link #defaultLimit(long, long, int, int, long)}, also keeping {@code acceptBurst}
   * descriptors for connections a transport accepts in one go before the excess can be reset
   * (io_uring takes a listening socket's whole backlog).
   */
  public static long defaultLimit(
      long maxFileDescriptors,
      long openFileDescriptors,
      int cores,
      int eventLoops,
      long acceptBurst,
      long maxHeapBytes) {
    long reserve =
        Math.max(
                RESERVED_FILE_DESCRIPTORS,
                openFileDescriptors
                    + GRPC_FILE_DESCRIPTORS_PER_CORE * cores
                    + LISTENING_POOLS * eventLoops
                    + SLACK_FILE_DESCRIPTORS)
            + acceptBurst;
    long byFiles = maxFileDescriptors < 0 ? FALLBACK_LIMIT : (maxFileDescriptors - reserve) / 2;
    long byHeap = (maxHeapBytes - RESERVED_HEAP) / HEAP_PER_CONNECTION;
    return Math.max(1, Math.min(byFiles, byHeap));
  }

  /** Takes one connection from the budget, or counts a refusal and returns false. */
  @Override
  public boolean tryAcquire() {
    return active.tryTake(limit);
  }

  /** Gives a connection back: its lease ended, or it was taken but then not admitted. */
  @Override
  public void release() {
    active.release();
  }

  public long limit() {
    return limit;
  }

  public long active() {
    return active.open();
  }

  /** Connections refused because the proxy was at its limit, since it started. */
  public long refused() {
    return active.refused();
  }
}
