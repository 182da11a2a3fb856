package dev.weir.proxy.relay;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** Reading what handlers wrote to an {@link EmbeddedChannel}. */
final class Embedded {

  private Embedded() {}

  /** Everything written and flushed to {@code channel} so far, as ASCII, releasing the buffers. */
  static String drainOutbound(EmbeddedChannel channel) {
    StringBuilder out = new StringBuilder();
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        out.append(buf.toString(US_ASCII));
      } finally {
        buf.release();
      }
    }
    return out.toString();
  }

  /** Everything written and flushed to {@code channel} so far, releasing the buffers. */
  static byte[] drainOutboundBytes(EmbeddedChannel channel) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object msg; (msg = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.readBytes(bytes);
        out.writeBytes(bytes);
      } finally {
        buf.release();
      }
    }
    return out.toByteArray();
  }
}
