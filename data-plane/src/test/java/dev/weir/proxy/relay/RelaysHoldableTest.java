package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Small slices of large read buffers are copied when they have to wait, and only then. */
class RelaysHoldableTest {

  private final PooledByteBufAllocator pool = new PooledByteBufAllocator(true);
  private ByteBuf whole;
  private EmbeddedChannel to;

  @BeforeEach
  void readBuffer() {
    // As io_uring's ring hands out reads: slices of a 256 KiB buffer the ring then lets go of.
    whole = pool.directBuffer(256 * 1024);
    whole.writeBytes(new byte[256 * 1024]);
    to = new EmbeddedChannel();
  }

  @AfterEach
  void release() {
    to.finishAndReleaseAll();
    if (whole.refCnt() > 0) {
      whole.release(whole.refCnt());
    }
  }

  @Test
  void aSmallSliceThatMustWaitIsCopiedAndLetsItsBufferGo() {
    to.write(Unpooled.copiedBuffer("queued, not yet sent", US_ASCII));
    ByteBuf slice = whole.retainedSlice(0, 5).setBytes(0, "hello".getBytes(US_ASCII));
    whole.release(); // the ring's own reference: now only the slice holds the buffer

    Object held = Relays.holdable(slice, to);

    assertThat(held).isNotSameAs(slice);
    assertThat(((ByteBuf) held).toString(US_ASCII)).isEqualTo("hello");
    assertThat(((ByteBuf) held).unwrap()).isNull();
    assertThat(whole.refCnt()).as("the 256 KiB buffer is free").isZero();
    ((ByteBuf) held).release();
  }

  @Test
  void aSliceGoingStraightToTheSocketIsPassedOnAsItIs() {
    ByteBuf slice = whole.retainedSlice(0, 5);

    assertThat(Relays.holdable(slice, to)).isSameAs(slice);
    slice.release();
  }

  @Test
  void aLargeSliceOrABufferOfItsOwnIsNeverCopied() {
    to.write(Unpooled.copiedBuffer("queued", US_ASCII));
    ByteBuf large = whole.retainedSlice(0, 64 * 1024); // a quarter of its buffer
    ByteBuf own = pool.directBuffer(16).writeBytes("own".getBytes(US_ASCII));

    assertThat(Relays.holdable(large, to)).isSameAs(large);
    assertThat(Relays.holdable(own, to)).isSameAs(own);
    assertThat(Relays.compact(own)).isSameAs(own);
    large.release();
    own.release();
  }

  @Test
  void compactCopiesASmallSliceWhateverIsQueued() {
    ByteBuf slice = whole.retainedSlice(10, 3).setBytes(0, "abc".getBytes(US_ASCII));

    Object copy = Relays.compact(slice);

    assertThat(copy).isNotSameAs(slice);
    assertThat(((ByteBuf) copy).toString(US_ASCII)).isEqualTo("abc");
    assertThat(slice.refCnt()).isZero();
    ((ByteBuf) copy).release();
  }
}
