package dev.weir.proxy.transport;

import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;

/**
 * How much each read of a relayed socket asks for: Netty's adaptive policy (start at 2 KiB, grow
 * fast while reads fill their buffer, shrink after two batches of reads that used at most half of
 * it), up to {@code maximum}, which is where it differs: Netty's default stops at 64 KiB.
 *
 * <p>Written out rather than taken from {@code AdaptiveRecvByteBufAllocator} because a handle is
 * made twice per socket (Netty's epoll config makes one just to check its type, then the channel
 * makes its own), and each of Netty's runs three binary searches over its size table. Here a handle
 * is one small object; Netty's handles showed up in a connection-per-request profile
 * (bench/README.md).
 */
public final class RelayReads extends DefaultMaxMessagesRecvByteBufAllocator {

  /** The most one read takes from a socket; a side holds at most its high mark plus this. */
  public static final int MAX_READ_BYTES = 256 * 1024;

  static final int MINIMUM = 512;
  static final int INITIAL = 2048;

  private final int maximum;

  public RelayReads(int maximum) {
    if (maximum < INITIAL) {
      throw new IllegalArgumentException("maximum read must be at least " + INITIAL);
    }
    this.maximum = maximum;
  }

  @Override
  public Handle newHandle() {
    return new ReadSizes();
  }

  /** One socket's next read size; used only on its event loop. */
  final class ReadSizes extends MaxMessageHandle {
    private int next = INITIAL;
    private boolean shrinkNext;
    // This batch of reads grew the size; its total then says nothing about the new size.
    private boolean grew;

    @Override
    public int guess() {
      return next;
    }

    @Override
    public void lastBytesRead(int bytes) {
      // A read that filled its buffer: more is likely waiting, so grow before the next read
      // rather than only once the batch is over.
      if (bytes == attemptedBytesRead() && bytes >= next && next < maximum) {
        next = Math.min(next << 2, maximum);
        shrinkNext = false;
        grew = true;
      }
      super.lastBytesRead(bytes);
    }

    @Override
    public void readComplete() {
      if (grew) {
        grew = false;
        return;
      }
      int bytes = totalBytesRead();
      if (bytes > next >>> 1) {
        shrinkNext = false;
      } else if (shrinkNext) {
        next = Math.max(next >>> 1, MINIMUM);
        shrinkNext = false;
      } else {
        shrinkNext = true;
      }
    }
  }
}
