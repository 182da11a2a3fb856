package dev.weir.proxy.health;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.weir.proxy.config.BackendConfig;
import dev.weir.proxy.config.PoolOptions.HealthCheckOptions;
import dev.weir.proxy.relay.ProxyHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One HTTP health probe on a connected channel: sends a GET, reads only the status line, and passes
 * when its status is the expected one. A connection closed before a whole status line fails the
 * probe.
 */
final class HttpProbeHandler extends ChannelInboundHandlerAdapter {

  /** A status line longer than this is not an HTTP server's answer to a health check. */
  static final int MAX_STATUS_LINE = 1024;

  private static final Pattern STATUS_LINE = Pattern.compile("HTTP/\\d\\.\\d (\\d{3})( .*)?\r?");

  private final byte[] request;
  private final int expectedStatus;
  private final Promise<Boolean> verdict;
  private ByteBuf received;

  HttpProbeHandler(byte[] request, int expectedStatus, Promise<Boolean> verdict) {
    this.request = request;
    this.expectedStatus = expectedStatus;
    this.verdict = verdict;
  }

  /** The probe request; Connection: close, so the backend need not keep anything open for us. */
  static byte[] request(BackendConfig backend, HealthCheckOptions options) {
    String host = options.httpHost().isEmpty() ? backend.address() : options.httpHost();
    byte[] http =
        ("GET "
                + options.httpPath()
                + " HTTP/1.1\r\n"
                + "Host: "
                + host
                + "\r\n"
                + "User-Agent: weir-health\r\n"
                + "Connection: close\r\n"
                + "\r\n")
            .getBytes(US_ASCII);
    if (options.proxyHeader() == 0) {
      return http;
    }
    // The pool's backends expect a PROXY header first; this one names no client.
    byte[] header = ProxyHeaders.local(options.proxyHeader());
    byte[] request = Arrays.copyOf(header, header.length + http.length);
    System.arraycopy(http, 0, request, header.length, http.length);
    return request;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    received = ctx.alloc().heapBuffer(128, MAX_STATUS_LINE);
    ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf chunk = (ByteBuf) msg;
    try {
      if (verdict.isDone()) {
        return;
      }
      int room = MAX_STATUS_LINE - received.readableBytes();
      received.writeBytes(chunk, Math.min(room, chunk.readableBytes()));
      int end = received.indexOf(received.readerIndex(), received.writerIndex(), (byte) '\n');
      if (end >= 0) {
        String line =
            received.toString(received.readerIndex(), end - received.readerIndex(), US_ASCII);
        verdict.trySuccess(statusOf(line) == expectedStatus);
      } else if (received.readableBytes() >= MAX_STATUS_LINE) {
        verdict.trySuccess(false);
      }
    } finally {
      chunk.release();
    }
  }

  /** The status code of an HTTP/1.x status line, or -1 if it is not one. */
  static int statusOf(String line) {
    Matcher m = STATUS_LINE.matcher(line);
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    verdict.trySuccess(false);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A refused or reset probe is the backend's verdict, not an error of ours.
    verdict.trySuccess(false);
    ctx.close();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (received != null) {
      received.release();
      received = null;
    }
  }
}
