package dev.weir.proxy.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class RelayReadsTest {

  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final RecvByteBufAllocator.Handle sizes = new RelayReads(256 * 1024).newHandle();

  @Test
  void startsAtTwoKibibytes() {
    assertThat(sizes.guess()).isEqualTo(2048);
  }

  @Test
  void readsThatFillTheirBufferGrowItUpToTheMaximumWithinOneBatch() {
    sizes.reset(channel.config());
    int[] seen = new int[6];
    for (int i = 0; i < seen.length; i++) {
      seen[i] = sizes.guess();
      read(seen[i], seen[i]);
    }

    assertThat(seen).containsExactly(2048, 8192, 32768, 131072, 262144, 262144);
  }

  @Test
  void twoBatchesUsingAtMostHalfShrinkItAndOnlyToTheMinimum() {
    growTo(262144);

    batch(100);
    assertThat(sizes.guess()).isEqualTo(262144);
    batch(100);
    assertThat(sizes.guess()).isEqualTo(131072);
    for (int i = 0; i < 40; i++) {
      batch(100);
    }
    assertThat(sizes.guess()).isEqualTo(RelayReads.MINIMUM);
  }

  @Test
  void aBatchUsingMoreThanHalfKeepsTheSize() {
    growTo(8192);

    batch(100);
    batch(5000);
    batch(100);
    assertThat(sizes.guess()).isEqualTo(8192);
  }

  @Test
  void theEndOfTheStreamChangesNothing() {
    sizes.reset(channel.config());
    read(2048, -1);
    sizes.readComplete();

    assertThat(sizes.guess()).isEqualTo(2048);
  }

  private void growTo(int size) {
    sizes.reset(channel.config());
    while (sizes.guess() < size) {
      read(sizes.guess(), sizes.guess());
    }
    sizes.readComplete();
    assertThat(sizes.guess()).isEqualTo(size);
  }

  private void batch(int bytes) {
    sizes.reset(channel.config());
    read(sizes.guess(), bytes);
    sizes.readComplete();
  }

  private void read(int attempted, int got) {
    sizes.attemptedBytesRead(attempted);
    sizes.lastBytesRead(got);
  }
}
